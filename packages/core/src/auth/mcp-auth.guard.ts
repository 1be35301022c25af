import {
  ForbiddenException,
  HttpException,
  Injectable,
  Logger,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
  mixin,
  type CanActivate,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { McpMessages } from '../mcp.messages.js';
import { McpAuthenticator } from './mcp-authenticator.js';
import { principalOf } from './access-token-claims.js';
import { bearerTokenFrom, hasAuthorizationHeader } from './bearer-token.js';
import { anonymousAuth, setRequestAuth, tokenAuth } from './request-auth.js';
import type { McpTokenCheck, McpTokenRefusalReason } from './token-check.js';
import { endAtExpiry } from './stream-expiry.js';

/** Seconds a client is asked to wait (Retry-After) when a token cannot be checked. */
const CHECK_RETRY_AFTER_SECONDS = 5;

type HttpRequest = { headers: IncomingHttpHeaders; method?: string; user?: unknown } & Record<string | symbol, unknown>;

function rawResponse(response: unknown): ServerResponse {
  return ((response as { raw?: ServerResponse }).raw ?? response) as ServerResponse;
}

/** What the client is told about a refused token (the log has the exact reason). */
function refusalMessage(reason: McpTokenRefusalReason): string {
  if (reason === 'expired') return McpMessages.authExpiredToken();
  if (reason === 'not yet valid') return McpMessages.authTokenNotYetValid();
  if (reason === 'no expiry') return McpMessages.authTokenWithoutExpiry();
  if (reason === 'missing token' || reason === 'malformed Authorization header') return McpMessages.authMissingToken();
  return McpMessages.authInvalidToken();
}

/**
 * Bearer-token guard of an MCP server that verifies tokens itself (`auth.jwt` with passport-jwt, or a
 * `TokenVerifier`). On success the verified `AccessToken` is on `req.user` (and `getAccessToken()` returns it in
 * tools); otherwise 401 `invalid_token` or 403 `insufficient_scope` with a `WWW-Authenticate` challenge that points
 * to the server's RFC 9728 metadata. Each refusal is logged once at debug level (context `McpAuth`), with the reason.
 *
 * McpModule applies it to every MCP route of a server with `auth.jwt` / `auth.verifier`. Use it on your own routes
 * too: `@UseGuards(McpAuthGuard)` when one server has auth, `@UseGuards(McpAuthGuard.forServer('name'))` otherwise.
 */
@Injectable()
export class McpAuthGuard implements CanActivate {
  private authenticator?: McpAuthenticator;
  private readonly logger = new Logger('McpAuth');

  constructor(@Optional() private readonly modules?: ModulesContainer) {}

  /** A guard that accepts the tokens of the named server (for apps with several servers with auth). */
  static forServer(serverName: string): Type<McpAuthGuard> {
    let guard = serverGuards.get(serverName);
    if (!guard) {
      @Injectable()
      class McpServerNamedAuthGuard extends McpAuthGuard {
        constructor(modules: ModulesContainer) {
          super(modules);
        }
        protected override serverName(): string | undefined {
          return serverName;
        }
      }
      guard = mixin(McpServerNamedAuthGuard);
      serverGuards.set(serverName, guard);
    }
    return guard;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const authenticator = this.resolveAuthenticator();
    if (!authenticator.verifiesTokens) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = rawResponse(http.getResponse());
    if (this.allowsAnonymous(authenticator) && !hasAuthorizationHeader(request.headers)) {
      setRequestAuth(request, anonymousAuth());
      return true;
    }
    const bearer = bearerTokenFrom(request.headers);
    const check = bearer
      ? await this.checkToken(authenticator, bearer, request, response)
      : hasAuthorizationHeader(request.headers)
        ? ({ refused: 'malformed Authorization header', detail: 'not "Bearer <token>"' } as const)
        : ({ refused: 'missing token', detail: 'no Authorization header' } as const);
    if ('refused' in check && check.refused === 'key set unavailable') {
      authenticator.logRefusal(request, check.refused, check.detail);
      this.unavailable(response);
    }
    if ('refused' in check) this.refuse(authenticator, request, response, check.refused, check.detail);
    // Expiry is the checker's: passport-jwt checks `exp` with `clockToleranceSeconds`, the verifier checker `expiresAt`.
    const token = check.token;
    const missing = authenticator.requiredScopes.filter((scope) => !token.scopes.includes(scope));
    if (missing.length) {
      const message = McpMessages.authInsufficientScope(missing);
      authenticator.logRefusal(request, 'insufficient scope', `requiredScopes: lacks ${missing.join(' ')}`);
      authenticator.challenge(request, response, 'insufficient_scope', message);
      throw new ForbiddenException(message);
    }
    setRequestAuth(request, tokenAuth(token, principalOf(token)));
    request.user = token;
    const until = check.acceptedUntil ?? token.expiresAt;
    // Only a session's Streamable HTTP GET stream (it names its session): the client resumes it with Last-Event-ID,
    // so nothing is lost. The legacy SSE stream is where every answer of its session travels: ending it would lose
    // the answers of POSTs in flight (sent with newer tokens), so it stays open (docs/auth.md).
    if (request.method === 'GET' && request.headers['mcp-session-id'] !== undefined && until !== undefined && this.endsStreamsAtExpiry()) endAtExpiry(response, until);
    return true;
  }

  /**
   * The checker's answer; a checker that throws (a TokenVerifier whose backend is down, a store that is away) means
   * the token could not be checked, not that it is bad: 503 with Retry-After, never a 401 that would make the client
   * throw a good token away. An HttpException it throws keeps its status.
   */
  private async checkToken(authenticator: McpAuthenticator, token: string, request: HttpRequest, response: ServerResponse): Promise<McpTokenCheck> {
    try {
      return await authenticator.checkToken(token, request);
    } catch (error) {
      if (error instanceof HttpException) {
        if (error.getStatus() === 503 && !response.headersSent) response.setHeader('retry-after', String(CHECK_RETRY_AFTER_SECONDS));
        throw error;
      }
      this.logger.error(McpMessages.authCheckFailedLog(authenticator.serverName, error instanceof Error ? error.message : String(error)));
      this.unavailable(response);
    }
  }

  private unavailable(response: ServerResponse): never {
    if (!response.headersSent) response.setHeader('retry-after', String(CHECK_RETRY_AFTER_SECONDS));
    throw new ServiceUnavailableException(McpMessages.authCheckUnavailable());
  }

  private refuse(authenticator: McpAuthenticator, request: HttpRequest, response: ServerResponse, reason: McpTokenRefusalReason, detail: string): never {
    const message = refusalMessage(reason);
    authenticator.logRefusal(request, reason, detail);
    authenticator.challenge(request, response, 'invalid_token', message);
    throw new UnauthorizedException(message);
  }

  /** Callers without a token pass (as anonymous) only on the server's own MCP routes, and only if it has public items. */
  protected allowsAnonymous(_authenticator: McpAuthenticator): boolean {
    return false;
  }

  /** Whether a GET stream opened with a token ends when the token expires (the MCP routes' own guard: yes). */
  protected endsStreamsAtExpiry(): boolean {
    return false;
  }

  /** The server whose tokens this guard accepts; `undefined`: the only server with auth. */
  protected serverName(): string | undefined {
    return undefined;
  }

  protected resolveAuthenticator(): McpAuthenticator {
    return (this.authenticator ??= this.findAuthenticator());
  }

  private findAuthenticator(): McpAuthenticator {
    const found: McpAuthenticator[] = [];
    for (const module of this.modules?.values() ?? []) {
      const instance = module.providers.get(McpAuthenticator)?.instance;
      if (instance instanceof McpAuthenticator && instance.verifiesTokens) found.push(instance);
    }
    const names = found.map((authenticator) => authenticator.serverName);
    const wanted = this.serverName();
    if (wanted !== undefined) {
      const match = found.find((authenticator) => authenticator.serverName === wanted);
      if (!match) throw new Error(McpMessages.authGuardUnknownServer(wanted, names));
      return match;
    }
    if (found.length === 0) throw new Error(McpMessages.authGuardNoServer());
    if (found.length > 1) throw new Error(McpMessages.authGuardAmbiguous(names));
    return found[0];
  }
}

const serverGuards = new Map<string, Type<McpAuthGuard>>();

/**
 * The guard McpModule puts on its own controller: the server's authenticator is injected (no lookup), and callers
 * without a token are let through as anonymous when the server has `@McpPublic()` items (the endpoint then lets
 * them use public items only).
 */
@Injectable()
export class McpServerAuthGuard extends McpAuthGuard {
  constructor(private readonly serverAuthenticator: McpAuthenticator) {
    super(undefined);
  }

  protected override resolveAuthenticator(): McpAuthenticator {
    return this.serverAuthenticator;
  }

  protected override allowsAnonymous(authenticator: McpAuthenticator): boolean {
    return authenticator.allowsAnonymous;
  }

  protected override endsStreamsAtExpiry(): boolean {
    return true;
  }
}
