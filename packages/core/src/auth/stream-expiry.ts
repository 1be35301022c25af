import type { ServerResponse } from 'node:http';
import { isResponseClosed } from '../http/http-exchange.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry is checked again when it fires. */
const LONGEST_DELAY = 2 ** 31 - 1;

/**
 * Ends a response when the bearer token it was opened with expires: a GET stream (the Streamable HTTP stream of a
 * session, the legacy SSE stream) would otherwise carry messages to its holder long after the token stopped being
 * valid. Ending it is what the protocol allows at any time; the client reconnects, and has to present a valid token
 * to do so. Nothing happens to a response that ends first (the timer is cleared on `close`, and never keeps the
 * process alive), or that closed before this is called.
 */
export function endAtExpiry(response: ServerResponse, expiresAtSeconds: number): void {
  // The client may have left while its token was checked: its response closed already, and 'close' will not come
  // again to clear a timer (which would hold the response until the token expires).
  if (isResponseClosed(response)) return;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiresAtSeconds * 1000 - Date.now();
    if (!(left > 0)) {
      if (!response.writableEnded) response.end();
      return;
    }
    timer = setTimeout(arm, Math.min(left, LONGEST_DELAY));
    timer.unref();
  };
  response.once('close', () => clearTimeout(timer));
  arm();
}
