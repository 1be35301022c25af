import type { TokenVerifier } from '../interfaces/token-verifier.interface.js';
import type { McpTokenCheck, McpTokenChecker } from './token-check.js';

/** Tokens checked by the app's `TokenVerifier` (opaque tokens, introspection, static tokens). No package needed. */
export function verifierTokenChecker(verifier: TokenVerifier): McpTokenChecker {
  return {
    async check(token: string): Promise<McpTokenCheck> {
      // A verifier that throws could not decide (e.g. introspection is down): not a refusal (the guard answers 503).
      const accessToken = await verifier.verify(token);
      if (!accessToken) return { refused: 'unknown to the verifier', detail: 'the TokenVerifier returned null' };
      // A verifier may hand back a token it did not check the expiry of (docs/auth.md: refused like an expired JWT).
      const { expiresAt } = accessToken as { expiresAt?: unknown };
      // Not a number (NaN from a date that did not parse, a string, null): the expiry is unknown, so the token is refused.
      if (expiresAt !== undefined && (typeof expiresAt !== 'number' || Number.isNaN(expiresAt))) {
        return { refused: 'invalid token', detail: `the TokenVerifier returned expiresAt ${String(expiresAt)}, not a number of seconds` };
      }
      if (expiresAt !== undefined && expiresAt * 1000 <= Date.now()) return { refused: 'expired', detail: `expired at ${new Date(expiresAt * 1000).toISOString()}` };
      return { token: accessToken };
    },
  };
}
