import { Inject, Injectable, Logger, ServiceUnavailableException, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import type { McpInAppAuthorizationServer, McpPublicJwk } from '@nestmcp/core';
import { MCP_OAUTH_MODULE_OPTIONS } from '../mcp-oauth.module-definition.js';
import type { McpOAuthModuleOptions } from '../interfaces/mcp-oauth-options.interface.js';
import { McpOAuthMessages } from '../mcp-oauth.messages.js';
import { McpOAuthClientStore } from '../stores/mcp-oauth-client-store.js';
import { McpOAuthTokenStore } from '../stores/mcp-oauth-token-store.js';
import { McpOAuthConsentStore } from '../stores/mcp-oauth-consent-store.js';
import { signingKeys, type SigningKeys } from './signing-keys.js';
import { oidcConfiguration } from './oidc-configuration.js';
import { loopbackRedirectAllowed } from './loopback-redirect.js';
import { LoopbackMetadataDocuments } from './loopback-metadata-documents.js';

/** Retry-After of a 503 when a store is away (core's MCP servers send their `limits.retryAfterSeconds`, default 5). */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** A scope token (RFC 6749 §3.3): printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function checkOptions(options: McpOAuthModuleOptions): void {
  const issuer = URL.parse(options.issuer);
  if (!issuer || !/^https?:$/.test(issuer.protocol) || issuer.pathname !== '/' || issuer.search || issuer.hash || options.issuer.endsWith('/')) {
    throw new Error(McpOAuthMessages.issuerNotOrigin(options.issuer));
  }
  if (!options.login?.verifyPassword && !options.login?.fromRequest && !options.upstream) throw new Error(McpOAuthMessages.noLogin());
  if (!options.scopes?.length) throw new Error(McpOAuthMessages.noScopes());
  for (const scope of options.scopes) if (!SCOPE_TOKEN.test(scope)) throw new Error(McpOAuthMessages.badScope(scope));
}

function resourcePredicate(options: McpOAuthModuleOptions): (resource: string) => boolean {
  const { resources } = options;
  if (typeof resources === 'function') return resources;
  if (Array.isArray(resources)) return (resource) => resources.includes(resource);
  const origin = new URL(options.issuer).origin;
  return (resource) => URL.parse(resource)?.origin === origin && !resource.includes('#');
}

function trustsProxy(options: McpOAuthModuleOptions): boolean {
  return options.trustProxy ?? false;
}

interface Started {
  readonly provider: Provider;
  readonly keys: SigningKeys;
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
}

/**
 * The OAuth 2.1 authorization server of the app: an oidc-provider instance (OpenID certified, well kept) set up for
 * MCP clients (see `oidcConfiguration()`), its state on the store seam. It is also the app's
 * `MCP_AUTHORIZATION_SERVER`: the MCP servers name it in their metadata and verify its tokens with its keys.
 */
@Injectable()
export class McpOAuthServer implements McpInAppAuthorizationServer, OnModuleInit {
  readonly issuer: string;
  readonly prefix: string;
  private readonly logger = new Logger('McpOAuth');
  private started?: Promise<Started>;
  private algorithmList: string[] = [];
  private readonly loopbackDocuments?: LoopbackMetadataDocuments;

  constructor(
    @Inject(MCP_OAUTH_MODULE_OPTIONS) readonly options: McpOAuthModuleOptions,
    @Inject(McpOAuthClientStore) private readonly clients: McpOAuthClientStore,
    @Inject(McpOAuthTokenStore) private readonly tokens: McpOAuthTokenStore,
    @Inject(McpOAuthConsentStore) readonly consents: McpOAuthConsentStore,
  ) {
    checkOptions(options);
    this.issuer = options.issuer;
    this.prefix = options.routePrefix ?? '/oauth';
    const cimd = options.clientIdMetadataDocuments;
    if (cimd?.allowLoopbackForDevelopment && cimd.enabled !== false) {
      this.loopbackDocuments = new LoopbackMetadataDocuments(cimd.cacheSeconds ?? { min: 30, max: 86_400 });
    }
  }

  async onModuleInit(): Promise<void> {
    await this.start();
  }

  /** The oidc-provider instance, once started. */
  async provider(): Promise<Provider> {
    return (await this.start()).provider;
  }

  /** Serves one request to the provider (its endpoints and metadata). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // oidc-provider builds its endpoint URLs from the request's host: a forged Host would put another origin in
    // the metadata (and in a shared cache). Without a trusted proxy, the issuer's host is the only one.
    if (!trustsProxy(this.options)) request.headers.host = new URL(this.issuer).host;
    (await this.start()).handle(request, response);
  }

  get algorithms(): readonly string[] {
    return this.algorithmList;
  }

  async publicKeys(): Promise<{ readonly keys: readonly McpPublicJwk[] }> {
    return (await this.start()).keys.publicKeys as { keys: McpPublicJwk[] };
  }

  /** Whether the grant of a token (its `gid`) still stands: revoked grants, and grants ended by refresh token reuse, are gone. */
  async isActive(claims: Readonly<Record<string, unknown>>): Promise<boolean> {
    if (typeof claims.gid !== 'string') return false;
    try {
      return (await this.tokens.find('Grant', claims.gid)) !== undefined;
    } catch (error) {
      // The store is away: the token may well be good, so no 401 (the client would drop it); 503, retry later.
      throw new ServiceUnavailableException(McpOAuthMessages.storeUnavailable(), { cause: error });
    }
  }

  /** The scopes clients may ask for. */
  get scopes(): readonly string[] {
    return this.options.scopes;
  }

  private start(): Promise<Started> {
    return (this.started ??= this.build());
  }

  private async build(): Promise<Started> {
    const keys = await signingKeys(this.options.signingKeys);
    this.algorithmList = keys.algorithms;
    const configuration = oidcConfiguration({
      options: this.options,
      keys,
      stores: { clients: this.clients, tokens: this.tokens, unregisteredClient: this.loopbackDocuments && ((id) => this.loopbackDocuments!.find(id)) },
      consents: this.consents,
      cookieKeys: this.options.cookieKeys ?? [randomBytes(32).toString('base64url')],
      resourceAllowed: resourcePredicate(this.options),
    });
    const provider = new Provider(this.issuer, configuration);
    provider.proxy = this.options.trustProxy ?? false;
    this.allowLoopbackPorts(provider);
    this.advertise(provider);
    provider.on('server_error', (_ctx, error) => this.logger.error(error));
    if (this.loopbackDocuments) this.logger.warn('client_id metadata documents on http loopback URLs are accepted (development option)');
    // Shared stores mean replicas: keys made here would sign what no other replica accepts (tokens, cookies).
    const perProcess = [!this.options.signingKeys?.length && 'signingKeys', !this.options.cookieKeys?.length && 'cookieKeys'].filter((name) => name !== false);
    if (this.options.stores?.tokens && perProcess.length) this.logger.warn(McpOAuthMessages.keysPerProcess(perProcess));
    return { provider, keys, handle: provider.callback() };
  }

  /** RFC 8252 §7.3 for public clients with loopback redirect URIs (see `loopbackRedirectAllowed()`). */
  private allowLoopbackPorts(provider: Provider): void {
    const prototype = provider.Client.prototype as unknown as {
      redirectUriAllowed(this: { redirectUris: string[]; clientAuthMethod: string }, uri: string): boolean;
    };
    const exact = prototype.redirectUriAllowed;
    prototype.redirectUriAllowed = function (uri: string) {
      return exact.call(this, uri) || (this.clientAuthMethod === 'none' && loopbackRedirectAllowed(uri, this.redirectUris));
    };
  }

  /**
   * Adds to the metadata what oidc-provider does not know: CIMD on loopback URLs (the development option). And a
   * Retry-After to a 503 (a store away, see the adapter).
   */
  private advertise(provider: Provider): void {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.status === 503) ctx.set('retry-after', String(STORE_RETRY_AFTER_SECONDS));
      if (ctx.oidc?.route !== 'discovery' || typeof ctx.body !== 'object' || ctx.body === null) return;
      if (this.loopbackDocuments) (ctx.body as Record<string, unknown>).client_id_metadata_document_supported = true;
    });
  }
}
