import { ForbiddenException, Injectable, UnauthorizedException, mixin, type ExecutionContext, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { AuthGuard, type AuthGuardAuthenticateOptions, type IAuthModuleOptions } from '@nestjs/passport';
import type { ServerResponse } from 'node:http';
import { McpMessages } from '../mcp.messages.js';
import type { AccessToken } from '../interfaces/token-verifier.interface.js';
import { McpAuthenticator } from './mcp-authenticator.js';
import { principalOf } from './access-token-claims.js';
import { hasAuthorizationHeader } from './bearer-token.js';
import { anonymousAuth, setRequestAuth, tokenAuth } from './request-auth.js';
import type { IncomingHttpHeaders } from 'node:http';

type HttpRequest = { headers: IncomingHttpHeaders } & Record<string | symbol, unknown>;

function rawResponse(response: unknown): ServerResponse {
  return ((response as { raw?: ServerResponse }).raw ?? response) as ServerResponse;
}

/** Why passport refused a token, from its `info` (passport-jwt's errors or ours). */
function refusalMessage(info: unknown): string {
  const error = info as { name?: string; message?: string; reason?: string } | undefined;
  if (error?.name === 'TokenExpiredError') return McpMessages.authExpiredToken();
  if (error?.name === 'NotBeforeError') return McpMessages.authTokenNotYetValid();
  if (error?.reason === 'missing' || error?.message === 'No auth token') return McpMessages.authMissingToken();
  return McpMessages.authInvalidToken();
}

/**
 * Bearer-token guard of an MCP server, built on `AuthGuard` from @nestjs/passport with the server's own passport
 * strategy (passport-jwt, or a `TokenVerifier`). On success the verified `AccessToken` is on `req.user` (and
 * `getAccessToken()` returns it in tools); otherwise 401 `invalid_token` or 403 `insufficient_scope` with a
 * `WWW-Authenticate` challenge that points to the server's RFC 9728 metadata.
 *
 * McpModule applies it to every MCP route of a server with `auth`. Use it on your own routes too:
 * `@UseGuards(McpAuthGuard)` when one server has auth, `@UseGuards(McpAuthGuard.forServer('name'))` otherwise.
 */
@Injectable()
export class McpAuthGuard extends AuthGuard() {
  /** AuthGuard's options (typed away by @nestjs/passport's mixin type). */
  protected declare options: IAuthModuleOptions;
  private authenticator?: McpAuthenticator;

  constructor(private readonly modules?: ModulesContainer) {
    // The strategy is the server's; it is set once the authenticator is known (see canActivate).
    super({ defaultStrategy: 'nestmcp' } as IAuthModuleOptions);
  }

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

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const authenticator = this.resolveAuthenticator();
    if (!authenticator.enabled) return true;
    const request = this.getRequest(context) as HttpRequest;
    if (this.allowsAnonymous(authenticator) && !hasAuthorizationHeader(request.headers)) {
      setRequestAuth(request, anonymousAuth());
      return true;
    }
    this.options = { ...this.options, defaultStrategy: authenticator.strategyName };
    return (await super.canActivate(context)) as boolean;
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return { session: false };
  }

  override handleRequest<TUser = AccessToken>(error: unknown, user: unknown, info: unknown, context: ExecutionContext): TUser {
    if (error) throw error;
    const authenticator = this.resolveAuthenticator();
    const request = this.getRequest(context) as HttpRequest;
    const response = rawResponse(context.switchToHttp().getResponse());
    const token = user as AccessToken | false | null | undefined;
    if (!token) {
      const message = refusalMessage(info);
      authenticator.challenge(request, response, 'invalid_token', message);
      throw new UnauthorizedException(message);
    }
    if (token.expiresAt !== undefined && token.expiresAt * 1000 <= Date.now()) {
      authenticator.challenge(request, response, 'invalid_token', McpMessages.authExpiredToken());
      throw new UnauthorizedException(McpMessages.authExpiredToken());
    }
    const missing = authenticator.requiredScopes.filter((scope) => !token.scopes.includes(scope));
    if (missing.length) {
      const message = McpMessages.authInsufficientScope(missing);
      authenticator.challenge(request, response, 'insufficient_scope', message);
      throw new ForbiddenException(message);
    }
    setRequestAuth(request, tokenAuth(token, principalOf(token)));
    return token as TUser;
  }

  /** Callers without a token pass (as anonymous) only on the server's own MCP routes, and only if it has public items. */
  protected allowsAnonymous(_authenticator: McpAuthenticator): boolean {
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
      if (instance instanceof McpAuthenticator && instance.enabled) found.push(instance);
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
}
