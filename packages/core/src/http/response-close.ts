import type { ServerResponse } from 'node:http';

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
