import type { IncomingMessage } from 'node:http';

/**
 * Fixed-window counters per key (a client address, a user name): dynamic client registrations (RFC 7591 leaves
 * abuse protection to the server) and failed sign-ins. Written here: the endpoints and pages are served outside
 * Nest's router, so @nestjs/throttler's guard cannot wrap them; what is needed is one counter per key and window.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one event for `key`; false when that is over the limit (the caller refuses it). */
  take(key: string): boolean {
    const now = Date.now();
    if (this.windows.size > 10_000) for (const [known, window] of this.windows) if (window.resetAt <= now) this.windows.delete(known);
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      return 1 <= this.max;
    }
    return ++window.count <= this.max;
  }

  /** Whether `key` has used up its window (without counting). */
  exhausted(key: string): boolean {
    const window = this.windows.get(key);
    return !!window && window.resetAt > Date.now() && window.count >= this.max;
  }

  /** Forgets `key`'s window. */
  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Seconds until `key` may try again. */
  retryAfter(key: string): number {
    const window = this.windows.get(key);
    return window ? Math.max(1, Math.ceil((window.resetAt - Date.now()) / 1000)) : 1;
  }
}

/** The client address of a request: `req.ip` (Express, under its `trust proxy` setting), else the socket's. */
export function addressOf(request: IncomingMessage): string {
  return (request as { ip?: string }).ip ?? request.socket.remoteAddress ?? 'unknown';
}
