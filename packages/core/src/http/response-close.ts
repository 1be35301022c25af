import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Something told when a response closes. */
export interface ResponseCloseWatcher {
  responseClosed(res: ServerResponse): void;
}

/**
 * Tells `watcher` when `res` closes (`on`, not `once`: a response closes once, and `once` wraps the listener).
 * Nothing is stored on the response itself: a property added to Node's response (or request) on every request
 * cost far more than the closure (tens of thousands of instructions under callgrind: Express gives each response
 * a prototype of its own, and V8 built new hidden classes for what was added to it).
 */
export function watchResponseClose(res: ServerResponse, watcher: ResponseCloseWatcher): void {
  res.on('close', () => watcher.responseClosed(res));
}

/** Responses waiting for their connection (pipelined behind another), by connection. */
const queuedOnSocket = new WeakMap<Socket, ServerResponse[]>();

/** As Node closes a response whose connection closed (`emitCloseNT`): once, marked destroyed. */
function closeQueued(res: ServerResponse): void {
  const state = res as ServerResponse & { _closed?: boolean; destroyed: boolean };
  if (state._closed || res.socket) return;
  state.destroyed = true;
  state._closed = true;
  res.emit('close');
}

function onQueuedAssigned(this: ServerResponse, socket: Socket): void {
  const queued = queuedOnSocket.get(socket);
  const at = queued ? queued.indexOf(this) : -1;
  if (at >= 0) queued!.splice(at, 1);
}

function onQueuedSocketClose(this: Socket): void {
  const queued = queuedOnSocket.get(this);
  queuedOnSocket.delete(this);
  for (const res of queued ?? []) closeQueued(res);
}

/**
 * A response pipelined behind another on its connection has no socket yet, and Node never closes it when the
 * connection closes first (its `abortIncoming` destroys the requests only): whatever waits for its 'close' (the
 * lifecycle's hold of the exchange, the writer that aborts the handler of a request whose client left) would wait
 * forever, a leak any client makes by pipelining requests and leaving. Such a response is closed here when its
 * connection closes, as Node closes one that has its socket. Nothing is done for the usual response (it has its
 * socket): one property read.
 */
export function closeWithConnection(req: IncomingMessage, res: ServerResponse): void {
  if (res.socket) return;
  const socket = req.socket;
  if (!socket || socket.destroyed) return closeQueued(res);
  // Given its socket (the ones before it answered), it is Node's again: forgotten here.
  res.once('socket', onQueuedAssigned);
  const queued = queuedOnSocket.get(socket);
  if (queued) return void queued.push(res);
  queuedOnSocket.set(socket, [res]);
  socket.once('close', onQueuedSocketClose);
}
