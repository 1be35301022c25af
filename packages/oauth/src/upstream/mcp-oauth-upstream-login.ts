import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { MCP_OAUTH_MODULE_OPTIONS } from '../mcp-oauth.module-definition.js';
import type { McpOAuthModuleOptions } from '../interfaces/mcp-oauth-options.interface.js';
import { McpOAuthTokenStore } from '../stores/mcp-oauth-token-store.js';
import { McpOAuthUpstreamTokenStore } from '../stores/mcp-oauth-upstream-token-store.js';
import { openid, upstreamClient, type UpstreamClient } from './upstream-client.js';

/** Kind of the upstream login transactions in the token store (state → interaction, PKCE verifier, nonce). */
const TRANSACTION = 'UpstreamLogin';
const TRANSACTION_TTL = 600;

interface Transaction {
  readonly uid: string;
  readonly verifier: string;
  readonly nonce?: string;
  readonly state: string;
}

/**
 * Login through an upstream identity provider (`upstream`), the OAuth proxy shape: the login prompt sends the
 * browser upstream (authorization code with PKCE, state and, for OpenID providers, nonce; by openid-client), the
 * upstream redirects back to `<prefix>/upstream/callback`, which sends the browser on to its interaction (whose
 * cookie is scoped to it); there the code is traded, the user named, the upstream tokens kept server-side in
 * `McpOAuthUpstreamTokenStore` (never given to the MCP client, which gets this server's own tokens), and the
 * login finished. The transaction lives in the token store, so any replica can take the callback.
 */
@Injectable()
export class McpOAuthUpstreamLogin {
  private client?: Promise<UpstreamClient>;

  constructor(
    @Inject(MCP_OAUTH_MODULE_OPTIONS) private readonly options: McpOAuthModuleOptions,
    @Inject(McpOAuthTokenStore) private readonly tokens: McpOAuthTokenStore,
    @Inject(McpOAuthUpstreamTokenStore) private readonly upstreamTokens: McpOAuthUpstreamTokenStore,
  ) {}

  get enabled(): boolean {
    return this.options.upstream !== undefined;
  }

  private get prefix(): string {
    return this.options.routePrefix ?? '/oauth';
  }

  /** The redirect URI to register at the upstream provider. */
  get callbackUrl(): string {
    return `${this.options.issuer}${this.prefix}/upstream/callback`;
  }

  private upstream(): Promise<UpstreamClient> {
    // A failed discovery is tried again on the next login, not cached.
    this.client ??= upstreamClient(this.options.upstream!).catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  /** Sends the browser to the upstream provider for interaction `uid`. */
  async start(_request: IncomingMessage, response: ServerResponse, uid: string): Promise<void> {
    const upstream = await this.upstream();
    const verifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const nonce = upstream.github ? undefined : openid.randomNonce();
    await this.tokens.save(TRANSACTION, state, { uid, verifier, nonce, state } satisfies Transaction, TRANSACTION_TTL);
    const target = openid.buildAuthorizationUrl(upstream.config, {
      redirect_uri: this.callbackUrl,
      scope: upstream.scopes.join(' '),
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...(nonce && { nonce }),
    });
    response.writeHead(303, { location: target.href, 'cache-control': 'no-store' }).end();
  }

  /** `<prefix>/upstream/callback`: on to the interaction the state names, with the upstream's answer. */
  async callback(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const query = new URL(request.url ?? '/', this.options.issuer).search;
    const state = new URLSearchParams(query).get('state');
    const transaction = state ? ((await this.tokens.find(TRANSACTION, state)) as Transaction | undefined) : undefined;
    if (!transaction) return false;
    response.writeHead(303, { location: `${this.prefix}/interaction/${transaction.uid}/upstream${query}`, 'cache-control': 'no-store' }).end();
    return true;
  }

  /**
   * `<prefix>/interaction/<uid>/upstream`: trades the upstream code (state, PKCE and nonce checked by openid-client),
   * keeps the upstream tokens, and finishes the login as the user the upstream named. Throws on a refused answer.
   */
  async finish(provider: Provider, uid: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const current = new URL(request.url ?? '/', this.options.issuer);
    const state = current.searchParams.get('state') ?? '';
    const transaction = (await this.tokens.find(TRANSACTION, state)) as Transaction | undefined;
    if (!transaction || transaction.uid !== uid) throw new Error('unknown or expired upstream login');
    await this.tokens.delete(TRANSACTION, state);
    const upstream = await this.upstream();
    // The upstream redirected to the callback URL: that is the URL the code was issued for.
    const answer = new URL(`${this.callbackUrl}${current.search}`);
    const tokens = await openid.authorizationCodeGrant(upstream.config, answer, {
      pkceCodeVerifier: transaction.verifier,
      expectedState: transaction.state,
      ...(transaction.nonce && { expectedNonce: transaction.nonce }),
    });
    const identity = await upstream.identity(tokens);
    const subject = this.options.upstream!.subject?.(identity) ?? identity.sub;
    const expiresIn = tokens.expiresIn();
    await this.upstreamTokens.save(
      {
        provider: this.options.upstream!.name,
        subject,
        accessToken: tokens.access_token,
        ...(tokens.refresh_token && { refreshToken: tokens.refresh_token }),
        ...(tokens.id_token && { idToken: tokens.id_token }),
        ...(tokens.scope && { scope: tokens.scope }),
        ...(expiresIn !== undefined && { expiresAt: Math.floor(Date.now() / 1000) + expiresIn }),
      },
      this.options.refreshTokenTtlSeconds ?? 14 * 86_400,
    );
    await provider.interactionFinished(request, response, { login: { accountId: subject } });
  }
}
