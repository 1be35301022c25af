import { KeyObject } from 'node:crypto';
import type * as Jose from 'jose';
import type * as PassportJwt from 'passport-jwt';
import { McpMessages } from '../mcp.messages.js';
import type { McpJwtOptions } from '../interfaces/mcp-auth-options.interface.js';
import type { McpInAppAuthorizationServer } from '../interfaces/mcp-authorization-server.interface.js';
import { accessTokenFromClaims } from './access-token-claims.js';
import { loadOptionalPackage } from './optional-package.js';
import type { McpTokenCheck, McpTokenChecker, McpTokenRefusalReason } from './token-check.js';

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const PUBLIC_KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

type PassportJwtModule = typeof PassportJwt;
type JoseModule = typeof Jose;
type KeyCallback = (error: Error | null, key?: string | Buffer) => void;
type TokenRequest = { readonly token: string };

/** The algorithms a JWT configuration accepts: the given ones, or those that fit its key. Never `none`. */
export function jwtAlgorithms(options: McpJwtOptions): string[] {
  return options.algorithms ?? (options.secret !== undefined ? HMAC_ALGORITHMS : PUBLIC_KEY_ALGORITHMS);
}

/**
 * What jose says when the key set could not be fetched (fetch's TypeError for a refused connection or a DNS failure,
 * a timeout, a non-200 answer, a document that is no key set). That says nothing of the token: the check cannot be
 * made now, which the guard answers 503, so that clients keep a token that may be good. Every other error (no key
 * for the token's `kid` or `alg`) refuses the token (401).
 */
const UNAVAILABLE_CODES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

function keySetError(error: Error): Error {
  // By name, not instanceof: the TypeError may come from another realm (undici's, a test runner's VM context).
  const unavailable = error.name === 'TypeError' || error.name === 'AbortError' || error.name === 'TimeoutError' || UNAVAILABLE_CODES.has((error as { code?: string }).code ?? '');
  return unavailable ? Object.assign(new Error('the key set could not be fetched', { cause: error }), { code: 'ERR_JWKS_UNAVAILABLE' }) : error;
}

/**
 * Keys from a JWKS URL, for passport-jwt's `secretOrKeyProvider`: jose's remote key set fetches the set, caches it
 * (`jwksCacheMaxAgeMs`), and fetches again when a token names a `kid` it does not know (key rotation), at most
 * once per `jwksCooldownMs`. The key must fit the token's `alg`, so a token cannot pick another kind of key.
 */
function jwksKeyProvider(jose: JoseModule, options: McpJwtOptions) {
  const keySet = jose.createRemoteJWKSet(new URL(options.jwksUri!), {
    cacheMaxAge: options.jwksCacheMaxAgeMs ?? DEFAULT_JWKS_CACHE_MAX_AGE_MS,
    cooldownDuration: options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
  });
  return (_request: unknown, rawJwt: string, done: KeyCallback) => {
    let header: Jose.ProtectedHeaderParameters;
    try {
      header = jose.decodeProtectedHeader(rawJwt);
    } catch (error) {
      return done(new Error('jwt malformed', { cause: error }));
    }
    keySet(header).then(
      (key) => done(null, KeyObject.from(key as Parameters<typeof KeyObject.from>[0]) as unknown as string),
      (error: Error) => done(keySetError(error)),
    );
  };
}

/**
 * Keys of the authorization server that runs in this app, for passport-jwt's `secretOrKeyProvider`: its public
 * keys are read in memory (no network round trip) and looked up by the token's `kid` and `alg` with jose's local
 * key set, rebuilt when the server's key set changes (rotation).
 */
function inAppKeyProvider(jose: JoseModule, authorizationServer: McpInAppAuthorizationServer) {
  let cached: { keys: object; keySet: ReturnType<JoseModule['createLocalJWKSet']> } | undefined;
  return (_request: unknown, rawJwt: string, done: KeyCallback) => {
    let header: Jose.ProtectedHeaderParameters;
    try {
      header = jose.decodeProtectedHeader(rawJwt);
    } catch (error) {
      return done(new Error('jwt malformed', { cause: error }));
    }
    authorizationServer
      .publicKeys()
      .then((jwks) => {
        if (cached?.keys !== jwks) cached = { keys: jwks, keySet: jose.createLocalJWKSet(jwks as unknown as Jose.JSONWebKeySet) };
        return cached.keySet(header);
      })
      .then(
        (key) => done(null, KeyObject.from(key as Parameters<typeof KeyObject.from>[0]) as unknown as string),
        (error: Error) => done(error),
      );
  };
}

/** The authorization server of this app, for `auth.jwt` entries without a key, and the audience they expect. */
export interface McpInAppTokenSource {
  readonly server: McpInAppAuthorizationServer;
  /** The resource URL a token must be for (its `aud`), when the entry gives no `audience`. */
  audienceOf(request: unknown): string;
}

/** Whether an `auth.jwt` entry names its own key (else it verifies the tokens of the in-app authorization server). */
export function hasOwnKey(options: McpJwtOptions): boolean {
  return [options.secret, options.publicKey, options.jwksUri].some((key) => key !== undefined && key !== '');
}

/** Names what passport-jwt (jsonwebtoken's errors) or jose (key set errors) said about a refused token. */
function refusalReason(info: unknown): McpTokenRefusalReason {
  const error = info as { name?: string; message?: string; code?: string } | undefined;
  const message = error?.message ?? '';
  if (error?.name === 'TokenExpiredError') return 'expired';
  if (error?.name === 'NotBeforeError') return 'not yet valid';
  if (error?.code === 'ERR_JWKS_NO_MATCHING_KEY' || error?.code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') return 'unknown key';
  if (error?.code === 'ERR_JWKS_UNAVAILABLE') return 'key set unavailable';
  if (error?.code === 'ERR_JWT_INVALID' || error?.code === 'ERR_JWS_INVALID') return 'malformed token';
  if (message === 'invalid signature') return 'bad signature';
  if (message.startsWith('jwt audience invalid')) return 'wrong audience';
  if (message.startsWith('jwt issuer invalid')) return 'wrong issuer';
  if (message === 'invalid algorithm') return 'algorithm not allowed';
  if (/^jwt (malformed|signature is required|must be)|^invalid token/.test(message)) return 'malformed token';
  return 'invalid token';
}

/**
 * Runs a passport strategy on one request without passport's middleware: a strategy reports its outcome through
 * `success`, `fail` and `error`, which the framework sets on a copy of it per attempt (passport-strategy's
 * documented contract; passport's authenticate() does the same). Done here so that nestmcp needs neither passport
 * nor @nestjs/passport, whose AuthGuard mixin would have to be loaded whether auth is used or not.
 */
function runStrategy(strategy: PassportJwt.Strategy, request: TokenRequest): Promise<{ user: unknown } | { failure: unknown }> {
  return new Promise((resolve, reject) => {
    const attempt = Object.create(strategy) as PassportJwt.Strategy & Record<string, unknown>;
    attempt.success = (user: unknown) => resolve({ user });
    attempt.fail = (failure: unknown) => resolve({ failure });
    attempt.error = (error: unknown) => reject(error);
    attempt.pass = () => resolve({ failure: undefined });
    attempt.redirect = () => resolve({ failure: undefined });
    attempt.authenticate(request as never, {});
  });
}

/**
 * JWT access tokens checked by passport-jwt (signature, `alg`, `exp`, `nbf`, `iss`, `aud`; `exp` required unless
 * `requireExpiration: false`), with the key from a
 * secret, a PEM public key or a JWKS URL. passport-jwt (and jose, for `jwksUri`) are loaded here, when a server
 * with `auth.jwt` starts, and only then.
 */
export async function createJwtTokenChecker(server: string, options: McpJwtOptions, inApp?: McpInAppTokenSource): Promise<McpTokenChecker> {
  const passportJwt = await loadOptionalPackage<PassportJwtModule>('passport-jwt', server, 'auth.jwt');
  const fromInApp = !hasOwnKey(options) ? inApp : undefined;
  const keys = fromInApp
    ? { secretOrKeyProvider: inAppKeyProvider(await loadOptionalPackage<JoseModule>('jose', server, 'auth.jwt'), fromInApp.server) }
    : options.jwksUri
      ? { secretOrKeyProvider: jwksKeyProvider(await loadOptionalPackage<JoseModule>('jose', server, 'auth.jwt.jwksUri'), options) }
      : { secretOrKey: (options.secret ?? options.publicKey)! };
  // The audience of an in-app token is checked per request below: the resource URL follows the request's host.
  const audienceOf = fromInApp && options.audience === undefined ? fromInApp.audienceOf : undefined;
  const strategy = new passportJwt.Strategy(
    {
      ...keys,
      jwtFromRequest: (request: TokenRequest) => request.token,
      issuer: options.issuer ?? fromInApp?.server.issuer,
      audience: options.audience,
      algorithms: options.algorithms ?? (fromInApp ? [...fromInApp.server.algorithms] : jwtAlgorithms(options)),
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: options.clockToleranceSeconds ?? 0 },
    } as PassportJwt.StrategyOptionsWithoutRequest,
    (payload: Record<string, unknown>, done: (error: unknown, user: unknown) => void) => done(null, payload),
  );
  return {
    async check(token: string, request: unknown): Promise<McpTokenCheck> {
      const outcome = await runStrategy(strategy, { token });
      if ('user' in outcome) {
        // passport-jwt (jsonwebtoken) checks `exp` only when the token has one.
        if (options.requireExpiration !== false && typeof (outcome.user as { exp?: unknown }).exp !== 'number') {
          return { refused: 'no expiry', detail: McpMessages.authTokenWithoutExpiry() };
        }
        const accessToken = accessTokenFromClaims(token, outcome.user as Record<string, unknown>);
        const expected = audienceOf?.(request);
        if (expected !== undefined && ![accessToken.audience ?? []].flat().includes(expected)) {
          return { refused: 'wrong audience', detail: `the token is not for ${expected}` };
        }
        if (fromInApp?.server.isActive && !(await fromInApp.server.isActive(accessToken.claims ?? {}))) {
          return { refused: 'revoked', detail: 'its grant was revoked' };
        }
        const exp = (outcome.user as { exp?: unknown }).exp;
        return { token: accessToken, ...(typeof exp === 'number' && { acceptedUntil: exp + (options.clockToleranceSeconds ?? 0) }) };
      }
      const failure = outcome.failure as { message?: string } | undefined;
      return { refused: refusalReason(failure), detail: failure?.message ?? 'refused' };
    },
  };
}
