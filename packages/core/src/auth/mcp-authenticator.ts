import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import passport from 'passport';
import type { ServerResponse } from 'node:http';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { PROTECTED_RESOURCE_METADATA_PATH } from '../mcp.constants.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import type { McpAuthOptions } from '../interfaces/mcp-auth-options.interface.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { ANONYMOUS_ACCESS, mayUse, type McpAccess, type McpAccessRule } from '../registry/mcp-access.js';
import { resolveStreamableHttpOptions } from '../options/transport-options.js';
import { sendJsonRpcError } from '../http/mcp-rejection.js';
import { McpServedRoutes, servedRouteOf } from '../http/mcp-served-routes.js';
import { createJwtStrategy, jwtAlgorithms } from './jwt.strategy.js';
import { createVerifierStrategy } from './bearer-token.strategy.js';
import { getRequestAuth } from './request-auth.js';
import { requestOrigin } from './request-origin.js';
import { triesBearerAuth } from './bearer-token.js';

/** A refused MCP request: 401 (no or bad token) or 403 (token lacks scopes), and the scopes that would do. */
export interface McpAuthRefusal {
  readonly status: 401 | 403;
  readonly scopes: string[];
}

export type McpChallengeError = 'invalid_token' | 'insufficient_scope';

/** Methods an anonymous caller (no token, on a server with `@McpPublic()` items) may always send. */
const ANONYMOUS_METHODS = new Set(['initialize', 'ping', 'server/discover', 'subscriptions/listen', 'tools/list', 'resources/list', 'resources/templates/list', 'prompts/list', 'logging/setLevel']);

let strategyCount = 0;

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The path-inserted well-known URL path of a resource path (RFC 9728 section 3.1): the bare one for `/`. */
function metadataPathOf(resourcePath: string): string {
  const trimmed = resourcePath.replace(/\/+$/, '');
  return `${PROTECTED_RESOURCE_METADATA_PATH}${trimmed}`;
}

function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}

/**
 * Bearer auth of one MCP server (one per McpModule): registers its passport strategy under a name of its own,
 * answers who may do what (token scopes, `@McpPublic()` items), builds `WWW-Authenticate` challenges and the
 * RFC 9728 metadata. Disabled (everything allowed) when the server has no `auth` option.
 */
@Injectable()
export class McpAuthenticator implements OnApplicationShutdown {
  readonly options?: McpAuthOptions;
  /** Name of this server's passport strategy. */
  readonly strategyName: string;
  readonly requiredScopes: readonly string[];

  constructor(
    @Inject(MCP_MODULE_OPTIONS) private readonly moduleOptions: McpModuleOptions,
    private readonly registry: McpRegistry,
    private readonly appConfig: ApplicationConfig,
    /** Where the framework serves this server's routes (absent in unit tests: the path is then computed). */
    @Optional() private readonly servedRoutes?: McpServedRoutes,
  ) {
    this.options = moduleOptions.auth;
    this.strategyName = `nestmcp:${moduleOptions.name}#${++strategyCount}`;
    this.requiredScopes = this.options?.requiredScopes ?? [];
    // The strategy registers itself with passport under strategyName (PassportStrategy mixin).
    if (this.options) this.createStrategy(this.options);
  }

  get enabled(): boolean {
    return this.options !== undefined;
  }

  get serverName(): string {
    return this.moduleOptions.name;
  }

  /** Whether callers without a token may connect (the server has `@McpPublic()` items). */
  get allowsAnonymous(): boolean {
    return this.registry.hasPublicEntries();
  }

  onApplicationShutdown(): void {
    if (this.options) passport.unuse(this.strategyName);
  }

  // ---- who may do what ----

  /** The access of the caller of `request` (`undefined`: the server has no auth, everything is allowed). */
  accessOf(request: unknown): McpAccess | undefined {
    if (!this.enabled) return undefined;
    return getRequestAuth(request)?.access ?? ANONYMOUS_ACCESS;
  }

  /** The principal sessions opened by this request are bound to (`undefined` without auth). */
  principalOf(request: unknown): string | undefined {
    if (!this.enabled) return undefined;
    return getRequestAuth(request)?.principal ?? '\0unauthenticated';
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
    const anonymous = refusal.status === 401;
    const text = anonymous ? McpMessages.authAnonymousRefused() : McpMessages.authInsufficientScope(refusal.scopes);
    this.challenge(request, response, anonymous ? 'invalid_token' : 'insufficient_scope', text, refusal.scopes);
    sendJsonRpcError(response, refusal.status, -32000, text, {}, (message as { id?: string | number }).id ?? null);
    return false;
  }

  /** `refusal()` for a request's method and params. */
  refusalFor(access: McpAccess | undefined, method: string, params: Record<string, unknown>): McpAuthRefusal | undefined {
    if (!access) return undefined;
    const rule = this.ruleOf(method, params);
    if (access.anonymous) {
      if (ANONYMOUS_METHODS.has(method) || rule?.public) return undefined;
      return { status: 401, scopes: this.scopesFor(rule) };
    }
    if (!rule || mayUse(rule, access)) return undefined;
    return { status: 403, scopes: this.scopesFor(rule) };
  }

  private ruleOf(method: string, params: Record<string, unknown>): McpAccessRule | undefined {
    const name = typeof params.name === 'string' ? params.name : '';
    const uri = typeof params.uri === 'string' ? params.uri : '';
    switch (method) {
      case 'tools/call':
        return this.registry.getTool(name);
      case 'prompts/get':
        return this.registry.getPrompt(name);
      case 'resources/read':
      case 'resources/subscribe':
      case 'resources/unsubscribe':
        return this.registry.findResource(uri)?.entry;
      case 'completion/complete': {
        const ref = (params.ref ?? {}) as { type?: string; name?: unknown; uri?: unknown };
        if (ref.type === 'ref/prompt' && typeof ref.name === 'string') return this.registry.getPrompt(ref.name);
        if (typeof ref.uri === 'string') return this.registry.getResourceTemplate(ref.uri);
        return undefined;
      }
      default:
        return undefined;
    }
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
    parts.push(`resource_metadata=${quoted(this.metadataUrl(request))}`);
    if (!response.headersSent) response.setHeader('www-authenticate', `Bearer ${parts.join(', ')}`);
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
    const issuer = this.moduleOptions.auth?.jwt?.issuer;
    // Default: the JWT issuer, when it is a URL (issuer identifiers of OAuth servers are https URLs, RFC 8414).
    const authorizationServers = options.authorizationServers ?? (typeof issuer === 'string' && /^https?:\/\//.test(issuer) ? [issuer] : undefined);
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
    const transports = this.moduleOptions.transports;
    const path =
      resolveStreamableHttpOptions(transports)?.path ?? (transports as { sse?: { path?: string } } | undefined)?.sse?.path ?? '/mcp';
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

  private createStrategy(options: McpAuthOptions) {
    const server = this.moduleOptions.name;
    if (Number(options.jwt !== undefined) + Number(options.verifier !== undefined) !== 1) throw new Error(McpMessages.authNeedsOneMethod(server));
    if (options.resource !== undefined && !/^https?:\/\/[^#]+$/.test(options.resource)) {
      throw new Error(McpMessages.authInvalidResource(server, options.resource));
    }
    if (options.verifier) return createVerifierStrategy(this.strategyName, options.verifier);
    const jwt = options.jwt!;
    const keys = [jwt.secret, jwt.publicKey, jwt.jwksUri].filter((key) => key !== undefined && key !== '');
    if (keys.length !== 1) throw new Error(McpMessages.authJwtNeedsKey(server));
    if (jwtAlgorithms(jwt).some((alg) => alg.toLowerCase() === 'none')) throw new Error(McpMessages.authAlgorithmNone(server));
    return createJwtStrategy(this.strategyName, jwt);
  }
}
