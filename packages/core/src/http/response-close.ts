import type { ServerResponse } from 'node:http';

/** Something told when a response closes (an object with a method, so that watching makes no closure). */
export interface ResponseCloseWatcher {
  responseClosed(res: ServerResponse): void;
}

const WATCHERS = Symbol('nestmcp.closeWatchers');
/** `null` once the response has closed. */
type WatchedResponse = ServerResponse & { [WATCHERS]?: ResponseCloseWatcher | ResponseCloseWatcher[] | null };

/** The one `close` listener of a watched response, the same function for every response (`this` is the response). */
function responseClosed(this: WatchedResponse): void {
  const watchers = this[WATCHERS];
  this[WATCHERS] = null;
  if (!watchers) return;
  if (!Array.isArray(watchers)) return watchers.responseClosed(this);
  for (const watcher of watchers) watcher.responseClosed(this);
}

/**
 * Tells `watcher` when `res` closes (at once if it has), in the order watchers were added. Every watcher of a
 * response shares one listener: the lifecycle's hold on the exchange and the response writer each added one, with
 * a closure (and for `once` its wrapper), on every request.
 */
export function watchResponseClose(res: ServerResponse, watcher: ResponseCloseWatcher): void {
  const watched = res as WatchedResponse;
  const watchers = watched[WATCHERS];
  if (watchers === undefined) {
    watched[WATCHERS] = watcher;
    res.on('close', responseClosed);
  } else if (watchers === null) watcher.responseClosed(res);
  else if (Array.isArray(watchers)) watchers.push(watcher);
  else watched[WATCHERS] = [watchers, watcher];
}
