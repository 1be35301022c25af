import type { IncomingHttpHeaders } from 'node:http';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-strategy';
import type { AccessToken, TokenVerifier } from '../interfaces/token-verifier.interface.js';
import { bearerTokenFrom } from './bearer-token.js';

type Done = (error: unknown, token?: AccessToken | null) => void;

/** Why a bearer token was refused, as passport's `info`. */
export class BearerTokenError extends Error {
  constructor(readonly reason: 'missing' | 'invalid') {
    super(reason === 'missing' ? 'No auth token' : 'invalid token');
    this.name = 'BearerTokenError';
  }
}

/** A passport strategy for `Authorization: Bearer` tokens checked by a callback (header only, never the query string). */
class BearerTokenStrategyBase extends Strategy {
  constructor(private readonly verifyToken: (token: string, done: Done) => void) {
    super();
  }

  override authenticate(request: { headers: IncomingHttpHeaders }): void {
    const token = bearerTokenFrom(request.headers);
    if (!token) return this.fail(new BearerTokenError('missing'), 401);
    this.verifyToken(token, (error, accessToken) => {
      if (error) return this.error(error as Error);
      if (!accessToken) return this.fail(new BearerTokenError('invalid'), 401);
      this.success(accessToken);
    });
  }
}

/** The passport strategy of one MCP server whose tokens a `TokenVerifier` checks, registered under `name`. */
export function createVerifierStrategy(name: string, verifier: TokenVerifier): Strategy {
  class McpVerifierStrategy extends PassportStrategy(BearerTokenStrategyBase, name) {
    validate(token: string): Promise<AccessToken | null> {
      return Promise.resolve(verifier.verify(token));
    }
  }
  return new McpVerifierStrategy();
}
