import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { MCP_AUTHORIZATION_SERVER } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import type { McpAuthOptions, McpJwtOptions } from '../interfaces/mcp-auth-options.interface.js';
import type { McpInAppAuthorizationServer } from '../interfaces/mcp-authorization-server.interface.js';
import type { McpPrincipal } from '../interfaces/mcp-principal.interface.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { ANONYMOUS_ACCESS, mayUse, type McpAccess, type McpAccessRule } from '../registry/mcp-access.js';
import { ANONYMOUS_METHODS, ruleOf } from './access-rules.js';
import { checkAuthOptions } from './check-auth-options.js';
import { metadataPathOf, normalizePrefix, quoted } from './resource-metadata-paths.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { sendJsonRpcError } from '../http/mcp-rejection.js';
import { McpServedRoutes, servedRouteOf } from '../http/mcp-served-routes.js';
import type { McpRequestContextStore } from '../context/request-context.js';
import { createJwtTokenChecker, hasOwnKey } from './jwt-token-checker.js';
import { multiIssuerTokenChecker } from './multi-issuer-token-checker.js';
import { verifierTokenChecker } from './verifier-token-checker.js';
import type { McpTokenCheck, McpTokenChecker } from './token-check.js';
import { NAMELESS_PRINCIPAL, credentialKey, principalFromUser, principalKey } from './mcp-principal.js';
import { NOBODY, getRequestAuth, principalAuth, setRequestAuth, type McpRequestAuth } from './request-auth.js';
import { requestOrigin } from './request-origin.js';
import { triesBearerAuth } from './bearer-token.js';

/** A refused MCP request: 401 (no or bad token, nobody) or 403 (lacks scopes), and the scopes that would do. */
export interface McpAuthRefusal {
  readonly status: 401 | 403;
  readonly scopes: string[];
}

export type McpChallengeError = 'invalid_token' | 'insufficient_scope';

/** `boundCallerOf()` of a request that names no principal and presents no credential. */
const ANONYMOUS_CALLER = '\0anonymous';

function headersOf(request: unknown): IncomingHttpHeaders {
  return ((request as { headers?: IncomingHttpHeaders } | undefined)?.headers ?? {}) as IncomingHttpHeaders;
}

/**
 * Auth of one MCP server (one per McpModule): who is calling and what they may do. The principal comes from the
 * server's own token verification (`auth.jwt` / `auth.verifier`, through McpAuthGuard), or from whatever the app's
 * guards left on the request (`req.user`, read with `auth.principal` or the default mapping). It answers who may
 * use which item (scopes, `@McpPublic()`), builds `WWW-Authenticate` challenges and the RFC 9728 metadata, and logs
 * each refusal at debug level (never the token). Without `auth`, everything is allowed unless items declare scopes.
 */
@Injectable()
export class McpAuthenticator implements OnModuleInit, OnApplicationBootstrap {
  readonly options?: McpAuthOptions;
  private readonly moduleOptions: McpModuleOptions;
  readonly requiredScopes: readonly string[];
  private readonly logger = new Logger('McpAuth');
  private checker?: McpTokenChecker;
  private warnedNameless = false;

  constructor(
    /** The options, resolved once (`McpResolvedOptions`, a provider of the module). */
    private readonly resolved: McpResolvedOptions,
    private readonly registry: McpRegistry,
    private readonly appConfig: ApplicationConfig,
    /** Where the framework serves this server's routes (absent in unit tests: the path is then computed). */
    @Optional() private readonly servedRoutes?: McpServedRoutes,
    /** The authorization server that runs in this app (`McpOAuthModule` of @nestmcp/oauth), if one does. */
    @Optional() @Inject(MCP_AUTHORIZATION_SERVER) private readonly inAppServer?: McpInAppAuthorizationServer,
  ) {
    this.moduleOptions = resolved.module;
    this.options = this.moduleOptions.auth;
    this.requiredScopes = this.options?.requiredScopes ?? [];
    if (this.options) checkAuthOptions(this.moduleOptions.name, this.options, this.jwtEntries(), this.inAppServer !== undefined);
  }

  /** Loads what token verification needs (passport-jwt, jose), only when this server verifies JWTs itself. */
  async onModuleInit(): Promise<void> {
    const options = this.options;
    if (options?.verifier) this.checker = verifierTokenChecker(options.verifier);
    else if (options?.jwt) this.checker = await this.jwtChecker(this.jwtEntries());
  }

  /** The `auth.jwt` entries, always as a list. */
  private jwtEntries(): McpJwtOptions[] {
    const jwt = this.options?.jwt;
    return jwt === undefined ? [] : [jwt].flat();
  }

  /** One checker per `auth.jwt` entry (entries without a key verify the in-app authorization server's tokens). */
  private async jwtChecker(entries: McpJwtOptions[]): Promise<McpTokenChecker> {
    const inApp = this.inAppServer && { server: this.inAppServer, audienceOf: (request: unknown) => this.resource(request) };
    const checkers = await Promise.all(
      entries.map(async (entry) => ({
        issuers: [entry.issuer ?? (hasOwnKey(entry) ? [] : [this.inAppServer!.issuer])].flat(),
        checker: await createJwtTokenChecker(this.serverName, entry, inApp),
      })),
    );
    return multiIssuerTokenChecker(checkers);
  }

  /** Items that declare scopes on a server that says nothing of where callers come from: say so, naming them. */
  onApplicationBootstrap(): void {
    if (this.options) return;
    const scoped = this.registry.scopedEntryNames();
    if (scoped.length) this.logger.warn(McpMessages.authScopesWithoutAuth(this.serverName, scoped));
  }

  /** Whether the server has `auth` options: it serves protected resource metadata and challenges refused callers. */
  get enabled(): boolean {
    return this.options !== undefined;
  }

  /** Whether the server verifies bearer tokens itself (`auth.jwt` or `auth.verifier`), with McpAuthGuard on its routes. */
  get verifiesTokens(): boolean {
    return this.options?.jwt !== undefined || this.options?.verifier !== undefined;
  }

  get serverName(): string {
    return this.moduleOptions.name;
  }

  /** Whether callers without a token may connect (the server has `@McpPublic()` items). */
  get allowsAnonymous(): boolean {
    return this.registry.hasPublicEntries();
  }

  /** Verifies a bearer token with this server's verifier or JWT settings. */
  checkToken(token: string, request: unknown): Promise<McpTokenCheck> {
    if (!this.checker) throw new Error(McpMessages.authGuardNoServer());
    return this.checker.check(token, request);
  }

  // ---- who is calling, and what they may do ----

  /** What is known of the caller of `request`: set by McpAuthGuard, else read once from what the app's guards left. */
  private requestAuth(request: unknown): McpRequestAuth | undefined {
    const known = getRequestAuth(request);
    if (known || this.verifiesTokens || !request || typeof request !== 'object') return known;
    const user = (request as { user?: unknown }).user;
    const caller = (this.options?.principal ?? principalFromUser)(user, request) ?? undefined;
    const auth = principalAuth(caller, caller && principalKey(caller, headersOf(request).authorization));
    if (auth.principal === NAMELESS_PRINCIPAL && !this.warnedNameless) {
      this.warnedNameless = true;
      this.logger.warn(McpMessages.authNamelessPrincipal(this.serverName));
    }
    // Nobody, found without an app's mapping, is found again as cheaply as it is read back: not kept on the
    // request (a property added to every request, and the growth of its property store, for nothing).
    if (auth !== NOBODY || this.options?.principal) setRequestAuth(request, auth);
    return auth;
  }

  /**
   * The access of the caller of `request`; `undefined` when everything is allowed (no `auth`, nothing declares
   * scopes). With verified tokens a request without one is anonymous; otherwise a request without a principal may use
   * the items that need no scope.
   */
  accessOf(request: unknown): McpAccess | undefined {
    if (!this.enabled && !this.registry.hasScopesInUse()) return undefined;
    return this.requestAuth(request)?.access ?? ANONYMOUS_ACCESS;
  }

  /**
   * The access of the caller of the message in progress. On the stdio transport everything is allowed: whoever
   * can write to the process's stdin started it, and MCP's authorization does not apply there (credentials come
   * from the environment). That follows from the channel the transport marked, never from a missing request: a
   * message with no context, or an HTTP one whose request is gone, is anonymous.
   */
  accessIn(store: McpRequestContextStore | undefined): McpAccess | undefined {
    if (store?.channel === 'stdio') return undefined;
    return this.accessOf(store?.request);
  }

  /**
   * The one name of the caller of `request` (sessions, multi-round-trip requests are bound to it): issuer + subject,
   * else client, else a hash of the credentials; `undefined` when nobody can be named. Stable for a given principal.
   */
  principalOf(request: unknown): string | undefined {
    const auth = this.requestAuth(request);
    if (this.verifiesTokens) return auth?.principal ?? '\0unauthenticated';
    return auth?.principal;
  }

  /**
   * `principalOf()` for what must be bound to its caller even where nobody is named (a 2026-07-28 `requestState`):
   * on a server that names nobody (no `auth`, no `req.user`), the credential the client presented (a hash of its
   * Authorization header, as a principal without subject or client is keyed), else anonymous.
   */
  boundCallerOf(request: unknown): string {
    return this.principalOf(request) ?? credentialKey(headersOf(request).authorization) ?? ANONYMOUS_CALLER;
  }

  /** The caller of `request` (subject, issuer, client, scopes), or `undefined` for nobody. */
  callerOf(request: unknown): McpPrincipal | undefined {
    return this.requestAuth(request)?.caller;
  }

  /**
   * Whether a JSON-RPC message may be handled for this caller, decided before it is dispatched (so the refusal is
   * an HTTP 401/403 with a challenge, which clients act on): an anonymous caller may initialize, list and use
   * public items only; a token must hold the scopes of the tool, resource or prompt it names.
   * Unknown names pass through, to get the protocol's own error.
   */
  refusal(access: McpAccess | undefined, message: unknown): McpAuthRefusal | undefined {
    if (!access || typeof message !== 'object' || message === null) return undefined;
    const { method, params, id } = message as { method?: unknown; params?: Record<string, unknown>; id?: unknown };
    if (typeof method !== 'string' || id === undefined) return undefined;
    return this.refusalFor(access, method, params ?? {});
  }

  /**
   * Lets a message through, or refuses it before dispatch with HTTP 401/403, a `WWW-Authenticate` challenge (so
   * clients can authenticate or step up) and a JSON-RPC error body. Every transport calls it on each message.
   */
  admit(request: unknown, response: ServerResponse, message: unknown): boolean {
    const refusal = this.refusal(this.accessOf(request), message);
    if (!refusal) return true;
    const text = this.refusalText(refusal);
    const { method, params, id } = message as { method: string; params?: { name?: unknown; uri?: unknown }; id?: string | number };
    this.logRefusal(request, refusal.status === 401 ? 'no principal' : 'insufficient scope', `${method} ${String(params?.name ?? params?.uri ?? '')}`.trim() + ` needs ${refusal.scopes.join(' ') || 'a principal'}`);
    this.challenge(request, response, refusal.status === 401 ? 'invalid_token' : 'insufficient_scope', text, refusal.scopes);
    sendJsonRpcError(response, refusal.status, McpErrorCode.ServerError, text, {}, id ?? null);
    return false;
  }

  /** What a refused caller is told. */
  refusalText(refusal: McpAuthRefusal): string {
    if (refusal.status === 403) return McpMessages.authInsufficientScope(refusal.scopes);
    return this.verifiesTokens ? McpMessages.authAnonymousRefused() : McpMessages.authNoPrincipal(refusal.scopes);
  }

  /**
   * `refusal()` for a request's method and params. Verified tokens: anonymous callers (servers with public items) may
   * only initialize, list and use public items; tokens need the item's scopes (`requiredScopes` were checked by the
   * guard). Principals from the app's guards need `requiredScopes` and the item's scopes; nobody gets 401.
   */
  refusalFor(access: McpAccess | undefined, method: string, params: Record<string, unknown>): McpAuthRefusal | undefined {
    if (!access) return undefined;
    const rule = ruleOf(this.registry, method, params);
    if (access.anonymous) {
      if (ANONYMOUS_METHODS.has(method) || rule?.public) return undefined;
      return { status: 401, scopes: this.scopesFor(rule) };
    }
    const lacksRequired = !this.verifiesTokens && this.requiredScopes.some((scope) => !access.scopes.has(scope));
    if (!lacksRequired && (!rule || mayUse(rule, access))) return undefined;
    return { status: access.authenticated ? 403 : 401, scopes: this.scopesFor(rule) };
  }

  /** Logs a refusal once, at debug level: server, request, reason, detail. Never the token. */
  logRefusal(request: unknown, reason: string, detail: string): void {
    const { method, url, originalUrl } = (request ?? {}) as { method?: string; url?: string; originalUrl?: string };
    this.logger.debug(McpMessages.authRefusedLog(this.serverName, `${method ?? '?'} ${(originalUrl ?? url ?? '?').split('?')[0]}`, reason, detail));
  }


  private scopesFor(rule: McpAccessRule | undefined): string[] {
    return [...new Set([...this.requiredScopes, ...(rule?.scopes ?? [])])];
  }

  // ---- challenges and metadata ----

  /**
   * Sets `WWW-Authenticate` (RFC 6750 §3, RFC 9728 §5.1) on the response, before it is written. A request that
   * carried no bearer credentials (none, or another scheme) gets no `error` (RFC 6750 §3.1: the client did not
   * know it had to authenticate, or how).
   */
  challenge(request: unknown, response: ServerResponse, error: McpChallengeError, description: string, scopes: readonly string[] = this.requiredScopes): void {
    const headers = (request as { headers?: ServerResponse['req']['headers'] } | undefined)?.headers ?? {};
    const parts = triesBearerAuth(headers) ? [`error=${quoted(error)}`, `error_description=${quoted(description)}`] : [];
    if (scopes.length) parts.push(`scope=${quoted(scopes.join(' '))}`);
    // The metadata exists only on servers with `auth`; without, the challenge still names the scheme (RFC 7235 §3.1).
    if (this.enabled) parts.push(`resource_metadata=${quoted(this.metadataUrl(request))}`);
    if (!response.headersSent) response.setHeader('www-authenticate', `Bearer ${parts.join(', ')}`);
  }

  /**
   * A 401 from any guard on this server's routes (the app's own passport guard, say) is logged at debug level, and
   * gets the RFC 9728 challenge, so MCP clients find the authorization server whoever refused them: the challenge only
   * on servers with `auth` (where the metadata is served). Neither if the refusal has a challenge already
   * (McpAuthGuard sets its own, and has logged it).
   */
  challengeGuardRefusal(request: unknown, response: ServerResponse, message: string): void {
    if (response.headersSent || response.hasHeader('www-authenticate')) return;
    this.logRefusal(request, 'refused by a guard of the app', message);
    if (!this.enabled) return;
    const hasCredentials = headersOf(request).authorization !== undefined;
    this.challenge(request, response, 'invalid_token', hasCredentials ? McpMessages.authInvalidToken() : McpMessages.authMissingToken());
  }

  /**
   * Canonical URL of this server: `auth.resource`, or scheme + host of the request + the path the resource is
   * served at (`resourcePath`: by default the one the request came on, see `resourcePath()`).
   */
  resource(request: unknown, resourcePath: string = this.resourcePath(request)): string {
    return this.options?.resource ?? `${requestOrigin(request)}${resourcePath}`;
  }

  /**
   * The path of this server's resource for a request: the route it came on when that is the resource's route
   * (so `/v2/mcp` under URI versioning names `/v2/mcp`), else the first path the resource is served at, as the
   * framework registered it (global prefix and its `exclude`, versions, module paths included).
   */
  resourcePath(request?: unknown): string {
    const served = servedRouteOf(request);
    if (served && served.declared === this.servedRoutes?.resourceDeclared) return served.path;
    return this.servedRoutes?.resourcePaths()[0] ?? this.localResourcePath();
  }

  /** Where this server's metadata is served: the path-inserted well-known URL of its resource (RFC 9728 §3.1). */
  metadataUrl(request: unknown): string {
    const resource = new URL(this.resource(request));
    return `${resource.origin}${metadataPathOf(resource.pathname)}`;
  }

  /** The RFC 9728 protected resource metadata document of this server, for the resource served at `resourcePath`. */
  metadata(request: unknown, resourcePath?: string): Record<string, unknown> {
    const options = this.options ?? {};
    // Default: the authorization server of this app, else the JWT issuers that are URLs (issuer identifiers of
    // OAuth servers are https URLs, RFC 8414).
    const issuers = this.jwtEntries().flatMap((entry) => [entry.issuer ?? []].flat()).filter((issuer) => /^https?:\/\//.test(issuer));
    const defaults = [...new Set([...(this.inAppServer ? [this.inAppServer.issuer] : []), ...issuers])];
    const authorizationServers = options.authorizationServers ?? (defaults.length ? defaults : undefined);
    const scopes = options.scopesSupported ?? [...new Set([...this.requiredScopes, ...this.registry.scopesInUse()])];
    return {
      resource: this.resource(request, resourcePath),
      ...(authorizationServers && { authorization_servers: authorizationServers }),
      ...(scopes.length && { scopes_supported: scopes }),
      bearer_methods_supported: ['header'],
      ...(options.resourceName && { resource_name: options.resourceName }),
      ...(options.resourceDocumentation && { resource_documentation: options.resourceDocumentation }),
    };
  }

  /** Path of the MCP endpoint computed from the options (global prefix unless excluded + transport path), when the framework cannot tell. */
  localResourcePath(): string {
    const path = this.resolved.streamableHttp?.path ?? this.resolved.sse?.path ?? this.resolved.endpoint.path;
    const excluded = this.appConfig.getGlobalPrefixOptions()?.exclude?.some((route) => route.pathRegex?.test(path));
    return `${excluded ? '' : normalizePrefix(this.appConfig.getGlobalPrefix())}${path}`;
  }

  /**
   * The metadata documents this app serves for this server: the path-inserted URL of each path its resource is
   * served at, and of `auth.resource`. The bare `/.well-known/oauth-protected-resource` only for a resource at
   * the root: a document there describes the origin's root resource (RFC 9728 §3.3), not one under a path.
   */
  metadataRoutes(): { path: string; resourcePath?: string }[] {
    const served = this.servedRoutes?.resourcePaths() ?? [];
    const routes: { path: string; resourcePath?: string }[] = (served.length ? served : [this.localResourcePath()]).map((resourcePath) => ({
      path: metadataPathOf(resourcePath),
      resourcePath,
    }));
    if (this.options?.resource) {
      const path = metadataPathOf(new URL(this.options.resource).pathname);
      if (!routes.some((route) => route.path === path)) routes.push({ path });
    }
    return routes;
  }

  /** The metadata paths this app serves for this server (see `metadataRoutes()`). */
  metadataPaths(): string[] {
    return this.metadataRoutes().map((route) => route.path);
  }

}
