import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** How long and how much a refused request body is still read after the answer (see `answerAndLinger`). */
export interface LingerBounds {
  /** Bytes read and discarded at most; past them the connection is closed. */
  readonly maxBytes: number;
  /** Milliseconds spent reading at most. */
  readonly maxMs: number;
  /** Milliseconds without a byte from the client after which it is taken to have stopped sending. */
  readonly idleMs: number;
}

/** Like Apache's lingering close (30 s) and nginx's `lingering_time` / `lingering_timeout` (30 s / 5 s), tighter. */
export const DEFAULT_LINGER: LingerBounds = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000, idleMs: 2_000 };

/**
 * Answers a request whose body will not be read (413) and closes the connection without losing the answer.
 *
 * Closing a socket while the client is still sending makes the kernel reset the connection, and a client that is
 * still writing its body then sees EPIPE / ECONNRESET instead of the answer already on the wire. So the complete
 * answer is written at once with `Connection: close`, and the response is only ended (Node then closes the
 * socket) once the client has sent the rest of its body, which is read and thrown away, within `bounds`.
 * Node's http server has no lingering close of its own, hence this.
 */
export function answerAndLinger(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string,
  bounds: LingerBounds = DEFAULT_LINGER,
): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, { ...headers, connection: 'close', 'content-length': Buffer.byteLength(body) });
  res.write(body);
  discardBody(req, bounds, (complete) => {
    res.end();
    // Past the bounds the client may still be sending: stop reading, the connection goes.
    if (!complete) req.socket?.destroy();
  });
}

/** Reads and discards the rest of a request body; `done(true)` once it has ended, `done(false)` past the bounds. */
function discardBody(req: IncomingMessage, bounds: LingerBounds, done: (complete: boolean) => void): void {
  if (req.complete || req.readableEnded || req.destroyed) return done(req.complete || req.readableEnded);
  let bytes = 0;
  let finished = false;
  const finish = (complete: boolean) => {
    if (finished) return;
    finished = true;
    clearTimeout(total);
    clearTimeout(idle);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onGone);
    req.off('close', onGone);
    done(complete);
  };
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > bounds.maxBytes) return finish(false);
    idle.refresh();
  };
  const onEnd = () => finish(true);
  const onGone = () => finish(req.complete);
  const total = setTimeout(() => finish(false), bounds.maxMs);
  const idle = setTimeout(() => finish(false), bounds.idleMs);
  total.unref();
  idle.unref();
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onGone);
  req.on('close', onGone);
  req.resume();
}
