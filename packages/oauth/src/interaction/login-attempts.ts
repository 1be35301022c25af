import type { IncomingMessage } from 'node:http';
import type { McpOAuthLoginRateLimit } from '../interfaces/mcp-oauth-options.interface.js';
import { FixedWindowCounter, addressOf } from '../limits/fixed-window-counter.js';

const DEFAULTS = { perUsername: 5, perAddress: 30, windowMs: 15 * 60_000 };

/** A user name as counted: `Alice`, `alice ` and `ａｌｉｃｅ` are one (a verifier may well treat them as one). */
function usernameKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/**
 * Failed sign-ins per user name and per client address (the login form's brute-force guard): a guess of a user's
 * password is slowed per user from any number of addresses, and one address's guesses over many user names too.
 */
export class LoginAttempts {
  private readonly byUsername: FixedWindowCounter;
  private readonly byAddress: FixedWindowCounter;

  constructor(limit: McpOAuthLoginRateLimit = {}) {
    const { perUsername, perAddress, windowMs } = { ...DEFAULTS, ...limit };
    this.byUsername = new FixedWindowCounter(perUsername, windowMs);
    this.byAddress = new FixedWindowCounter(perAddress, windowMs);
  }

  /** Seconds until a sign-in of `username` from this request's address may be tried again, or 0 when it may now. */
  blockedFor(request: IncomingMessage, username: string): number {
    const user = usernameKey(username);
    const address = addressOf(request);
    const waits = [
      this.byUsername.exhausted(user) ? this.byUsername.retryAfter(user) : 0,
      this.byAddress.exhausted(address) ? this.byAddress.retryAfter(address) : 0,
    ];
    return Math.max(...waits);
  }

  failed(request: IncomingMessage, username: string): void {
    this.byUsername.take(usernameKey(username));
    this.byAddress.take(addressOf(request));
  }

  succeeded(username: string): void {
    this.byUsername.reset(usernameKey(username));
  }
}
