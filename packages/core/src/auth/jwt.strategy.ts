import type { IncomingHttpHeaders } from 'node:http';
import { PassportStrategy } from '@nestjs/passport';
import { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader } from 'jose';
import passportJwt from 'passport-jwt';
import type { McpJwtOptions } from '../interfaces/mcp-auth-options.interface.js';
import type { AccessToken } from '../interfaces/token-verifier.interface.js';
import { accessTokenFromClaims } from './access-token-claims.js';
import { bearerTokenFrom } from './bearer-token.js';

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const PUBLIC_KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

type RequestWithHeaders = { headers: IncomingHttpHeaders };
type SecretOrKeyProvider = passportJwt.SecretOrKeyProvider;

/** The algorithms a JWT configuration accepts: the given ones, or those that fit its key. Never `none`. */
export function jwtAlgorithms(options: McpJwtOptions): string[] {
  return options.algorithms ?? (options.secret !== undefined ? HMAC_ALGORITHMS : PUBLIC_KEY_ALGORITHMS);
}

/**
 * Keys from a JWKS URL, for passport-jwt's `secretOrKeyProvider`: jose's remote key set fetches the set, caches it
 * (`jwksCacheMaxAgeMs`), and fetches again when a token names a `kid` it does not know (key rotation), at most
 * once per `jwksCooldownMs`. The key must fit the token's `alg`, so a token cannot pick another kind of key.
 */
function jwksKeyProvider(options: McpJwtOptions): SecretOrKeyProvider {
  const keySet = createRemoteJWKSet(new URL(options.jwksUri!), {
    cacheMaxAge: options.jwksCacheMaxAgeMs ?? DEFAULT_JWKS_CACHE_MAX_AGE_MS,
    cooldownDuration: options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
  });
  return (_request, rawJwt, done) => {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(rawJwt as string);
    } catch (error) {
      return done(error as Error);
    }
    keySet(header).then(
      (key) => done(null, KeyObject.from(key as Parameters<typeof KeyObject.from>[0]) as unknown as string),
      (error: Error) => done(error),
    );
  };
}

/**
 * The passport-jwt strategy of one MCP server, registered with passport under `name` (one name per server, so
 * servers with different keys, issuers or audiences live side by side). The token is read from the
 * Authorization header only; signature, `alg`, `exp`, `nbf`, `iss` and `aud` are checked by passport-jwt.
 */
export function createJwtStrategy(name: string, options: McpJwtOptions): passportJwt.Strategy {
  const keys: { secretOrKey: string | Buffer } | { secretOrKeyProvider: SecretOrKeyProvider } = options.jwksUri
    ? { secretOrKeyProvider: jwksKeyProvider(options) }
    : { secretOrKey: (options.secret ?? options.publicKey)! };

  class McpJwtStrategy extends PassportStrategy(passportJwt.Strategy, name) {
    constructor() {
      super({
        ...keys,
        jwtFromRequest: (request: RequestWithHeaders) => bearerTokenFrom(request.headers) ?? null,
        issuer: options.issuer,
        audience: options.audience,
        algorithms: jwtAlgorithms(options),
        ignoreExpiration: false,
        passReqToCallback: true,
        jsonWebTokenOptions: { clockTolerance: options.clockToleranceSeconds ?? 0 },
      } as passportJwt.StrategyOptionsWithRequest);
    }

    validate(request: RequestWithHeaders, payload: Record<string, unknown>): AccessToken {
      return accessTokenFromClaims(bearerTokenFrom(request.headers)!, payload);
    }
  }
  return new McpJwtStrategy();
}
