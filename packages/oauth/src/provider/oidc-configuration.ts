import type { Configuration, KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { McpOAuthModuleOptions } from '../interfaces/mcp-oauth-options.interface.js';
import type { McpOAuthConsentStore } from '../stores/mcp-oauth-consent-store.js';
import type { SigningKeys } from './signing-keys.js';
import { guarded, oidcStoreAdapter, type OidcStores } from './oidc-store-adapter.js';
import { oidcRoutes } from './oidc-routes.js';
import { messagePage } from '../pages/interaction-pages.js';
import { PAGE_HEADERS } from '../pages/html.js';
import { checkRedirectUris } from './redirect-uri-rules.js';
import { McpOAuthMessages } from '../mcp-oauth.messages.js';

const DEFAULT_ACCESS_TOKEN_TTL = 900;
const DEFAULT_REFRESH_TOKEN_TTL = 14 * 86_400;
/** The experimental feature's version oidc-provider 9 implements (it refuses to start without this acknowledgement). */
const CIMD_DRAFT = 'draft-02';

export interface OidcConfigurationInput {
  readonly options: McpOAuthModuleOptions;
  readonly keys: SigningKeys;
  readonly stores: OidcStores;
  readonly consents: McpOAuthConsentStore;
  readonly cookieKeys: string[];
  readonly resourceAllowed: (resource: string) => boolean;
}

/**
 * The remembered consent of the session's user for the client, as a grant: the grant the session holds for the
 * client, else (`rememberConsent`) a new one from the consent store. oidc-provider asks for consent again only for
 * what it lacks (a new scope, a new resource).
 */
function existingGrantLoader(consents: McpOAuthConsentStore, remember: boolean) {
  return async (ctx: KoaContextWithOIDC) => {
    const { client, session, provider } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const grantId = (ctx.oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? session.grantIdFor(client.clientId);
    const held = grantId ? await provider.Grant.find(grantId) : undefined;
    if (held && held.accountId === session.accountId) return held;
    // A consent store away is an outage (503), as the adapter's stores are, not oidc-provider's 500 server_error.
    const consent = remember ? await guarded(() => consents.find(session.accountId!, client.clientId)) : undefined;
    if (!consent) return undefined;
    const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
    if (consent.openIdScopes.length) grant.addOIDCScope(consent.openIdScopes.join(' '));
    for (const [resource, scopes] of Object.entries(consent.resources)) grant.addResourceScope(resource, scopes.join(' '));
    await grant.save();
    return grant;
  };
}

/**
 * The fetch of oidc-provider's outgoing requests (client ID metadata documents, a client's `jwks_uri`), which fails
 * closed: oidc-provider hands each request a dispatcher that drops connections to private, loopback and other
 * special-use addresses, but when it cannot build one (it finds Node's undici through a global that a VM context,
 * such as Jest's, or a bundler may not have) it only warns and fetches unguarded. Here a request without the
 * guard is not sent.
 */
function guardedFetch(url: string | URL, options: RequestInit & { dispatcher?: unknown }): Promise<Response> {
  if (!options.dispatcher) return Promise.reject(new Error(McpOAuthMessages.outgoingFetchUnguarded(String(url))));
  return fetch(url, options);
}

/**
 * Rotation of every refresh token, after one more check: a `resource` the refresh token was not granted is refused
 * here. oidc-provider checks the resource only after it has rotated the token, so a refused refresh (a client
 * naming another MCP server) spent the token the client still holds, and its next refresh was taken for a reuse
 * that ended the whole grant. (This hook runs after the scope checks and before the rotation.)
 */
function rotateAfterResourceCheck(ctx: KoaContextWithOIDC): true {
  const requested = ctx.oidc.params?.resource as string | string[] | undefined;
  const granted = (ctx.oidc.entities.RefreshToken as { resourceIndicators?: Set<string> } | undefined)?.resourceIndicators;
  if (requested === undefined || !granted) return true;
  if (Array.isArray(requested)) throw new errors.InvalidTarget('only a single resource indicator value must be requested/resolved during Access Token Request');
  if (!granted.has(requested)) throw new errors.InvalidTarget(`resource ${requested} was not granted to this refresh token`);
  return true;
}

/**
 * oidc-provider's configuration for an MCP authorization server: authorization code with PKCE (S256) only, public
 * and confidential clients, refresh tokens (rotated; a reused one revokes its grant) issued to every client allowed
 * the grant type, dynamic registration, client ID metadata documents, resource indicators that become the JWT
 * access token's audience, revocation. No implicit or hybrid flow, no password or client credentials grant.
 */
export function oidcConfiguration(input: OidcConfigurationInput): Configuration {
  const { options, keys, stores, consents } = input;
  const prefix = options.routePrefix ?? '/oauth';
  const accessTokenTTL = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL;
  const refreshTokenTTL = options.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TOKEN_TTL;
  const cimd = options.clientIdMetadataDocuments ?? {};
  const registration = options.registration ?? {};
  return {
    adapter: oidcStoreAdapter(stores),
    fetch: guardedFetch as Configuration['fetch'],
    clients: (options.clients ?? []) as unknown as Configuration['clients'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: keys.algorithms[0] as never,
    },
    cookies: { keys: input.cookieKeys, long: { sameSite: 'lax', httpOnly: true }, short: { sameSite: 'lax', httpOnly: true } },
    jwks: { keys: keys.privateKeys as never },
    routes: oidcRoutes(prefix),
    responseTypes: ['code'],
    pkce: { required: () => true },
    // The MCP scopes are listed too: oidc-provider validates a registration's `scope` against this list (they are
    // granted per resource, see resourceIndicators), and the metadata's scopes_supported is this list.
    scopes: ['openid', 'offline_access', ...options.scopes],
    claims: { openid: ['sub'] },
    // MCP clients never ask for offline_access; a client registered for the refresh_token grant gets refresh tokens.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: rotateAfterResourceCheck,
    // The grant an access token came from, so that the MCP servers of the app refuse it once the grant is revoked.
    extraTokenClaims: (_ctx, token) => (token.kind === 'AccessToken' && token.grantId ? { gid: token.grantId } : undefined),
    ttl: {
      AccessToken: accessTokenTTL,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: refreshTokenTTL,
      Grant: refreshTokenTTL,
      RefreshToken: refreshTokenTTL,
    },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    interactions: { url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
    loadExistingGrant: existingGrantLoader(consents, options.rememberConsent ?? true),
    // An error the browser sees (a bad redirect_uri, an unknown client): our page, with the pages' headers.
    renderError: (ctx, out) => {
      ctx.set(PAGE_HEADERS);
      ctx.type = 'html';
      ctx.body = messagePage('Sign-in', `${out.error}: ${out.error_description ?? ''}`, `${prefix}/assets/pages.css`);
    },
    extraClientMetadata: { properties: ['redirect_uris'], validator: checkRedirectUris },
    clientBasedCORS: (_ctx, origin, client) => origin !== 'null' && (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      introspection: { enabled: false },
      // RFC 7009 §2.1: a client may revoke only its own tokens.
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      registration: {
        enabled: registration.enabled ?? true,
        initialAccessToken: registration.initialAccessToken ?? false,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? (undefined as unknown as string),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource): ResourceServer => {
          if (!input.resourceAllowed(resource)) throw new errors.InvalidTarget(`resource ${resource} is not served by this authorization server`);
          return {
            scope: options.scopes.join(' '),
            audience: resource,
            accessTokenTTL,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: keys.algorithms[0] as never } },
          };
        },
      },
      clientIdMetadataDocument: {
        enabled: cimd.enabled ?? true,
        ack: CIMD_DRAFT,
        cacheDuration: cimd.cacheSeconds ?? { min: 30, max: 86_400 },
      } as never,
    },
  };
}
