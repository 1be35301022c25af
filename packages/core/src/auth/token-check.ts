import type { AccessToken } from '../interfaces/token-verifier.interface.js';

/** Why a bearer token was refused, as the debug log names it. */
export type McpTokenRefusalReason =
  | 'missing token'
  | 'malformed Authorization header'
  | 'malformed token'
  | 'bad signature'
  | 'algorithm not allowed'
  | 'expired'
  | 'no expiry'
  | 'not yet valid'
  | 'wrong audience'
  | 'wrong issuer'
  | 'unknown key'
  | 'key set unavailable'
  | 'unknown to the verifier'
  | 'revoked'
  | 'invalid token';

/** A checked bearer token: accepted, or refused with the reason and a detail that never holds the token. */
export type McpTokenCheck =
  | {
      readonly token: AccessToken;
      /**
       * Until when (epoch seconds) the checker accepts this token: its `exp` plus the clock tolerance the checker
       * allows (a GET stream opened with it ends then, not earlier: a stream ended while a reconnect with the same
       * token is still accepted would be reopened at once, in a loop). Unset: as long as `token.expiresAt`.
       */
      readonly acceptedUntil?: number;
    }
  | { readonly refused: McpTokenRefusalReason; readonly detail: string };

/** Verifies the bearer token of a request (the one in its Authorization header). */
export interface McpTokenChecker {
  check(token: string, request: unknown): Promise<McpTokenCheck>;
}
