import type { IncomingMessage } from 'node:http';
import type { McpOAuthClientStore } from '../stores/mcp-oauth-client-store.js';
import type { McpOAuthTokenStore } from '../stores/mcp-oauth-token-store.js';
import type { McpOAuthConsentStore } from '../stores/mcp-oauth-consent-store.js';
import type { McpOAuthUpstreamTokenStore } from '../stores/mcp-oauth-upstream-token-store.js';
import type { McpOAuthUpstreamOptions } from './mcp-oauth-upstream-options.interface.js';

/** A user the app vouches for: `subject` becomes the `sub` of the access tokens. */
export interface McpOAuthUser {
  /** Stable, unique identifier of the user (never reassigned). */
  readonly subject: string;
  /** Display name, shown on the consent page. */
  readonly name?: string;
}

/** A value, or a promise of it. */
export type McpOAuthMaybePromise<T> = T | Promise<T>;

/**
 * Who the user is stays the app's decision. Give one or more of:
 * - `verifyPassword`: the authorization server shows its own login form and asks you;
 * - `fromRequest`: your own authentication (session, passport) already knows the user of the request;
 *   with `loginUrl`, a browser you do not know yet is sent to your login page and back;
 * - `upstream` (in the module options): an upstream identity provider logs the user in.
 */
export interface McpOAuthLoginOptions {
  /** Checks a user name and password from the login form; the user, or null to refuse (the form says so). */
  verifyPassword?(username: string, password: string, request: IncomingMessage): McpOAuthMaybePromise<McpOAuthUser | null | undefined>;
  /** The user your app's own authentication already knows for this request (e.g. from `req.user`), or null. */
  fromRequest?(request: IncomingMessage): McpOAuthMaybePromise<McpOAuthUser | null | undefined>;
  /** Your login page, for `fromRequest`: a browser without a user is sent there with `?returnTo=<the interaction URL>`. */
  loginUrl?: string;
  /**
   * Failed sign-ins of the login form allowed per user name and per client address within a window; past either,
   * the form answers 429 (and does not ask `verifyPassword`) until the window ends. A successful sign-in clears
   * its user name's count. Default 5 per user name and 30 per address per 15 minutes; `false` turns it off.
   */
  rateLimit?: McpOAuthLoginRateLimit | false;
}

/** Limits of failed sign-ins (see `McpOAuthLoginOptions.rateLimit`); each member has its default when left out. */
export interface McpOAuthLoginRateLimit {
  /** Failed sign-ins per user name and window. Default 5. */
  perUsername?: number;
  /** Failed sign-ins per client address (`req.ip`, else the socket's address) and window. Default 30. */
  perAddress?: number;
  /** The window, in milliseconds. Default 900 000 (15 minutes). */
  windowMs?: number;
}

/** Dynamic client registration (RFC 7591). */
export interface McpOAuthRegistrationOptions {
  /** Whether clients may register. Default true. */
  enabled?: boolean;
  /** A bearer token a client must present to register (RFC 7591 §3 "initial access token"). Default: none needed. */
  initialAccessToken?: string;
  /** Registrations allowed per client IP address and window. Default 20 per 60 000 ms. */
  rateLimit?: { max: number; windowMs: number };
}

/** Client ID metadata documents (an https URL as `client_id`, fetched by the server). */
export interface McpOAuthClientIdMetadataDocumentOptions {
  /** Whether https client ids are fetched as metadata documents. Default true. */
  enabled?: boolean;
  /**
   * Development only: also accept `http://127.0.0.1`, `http://[::1]` and `http://localhost` client ids, fetched
   * with the same limits (no redirects, size and time limits, Cache-Control). Default false.
   */
  allowLoopbackForDevelopment?: boolean;
  /** Bounds of how long a fetched document is cached, in seconds (its Cache-Control max-age within them). Default 30 to 86 400. */
  cacheSeconds?: { min: number; max: number };
}

/** The stores of the authorization server state (in-memory defaults; give shared ones to run several replicas). */
export interface McpOAuthStores {
  clients?: McpOAuthClientStore;
  tokens?: McpOAuthTokenStore;
  consents?: McpOAuthConsentStore;
  upstreamTokens?: McpOAuthUpstreamTokenStore;
}

/** Options of `McpOAuthModule.forRoot()`. See docs/oauth.md. */
export interface McpOAuthModuleOptions {
  /**
   * Issuer identifier: the public URL of the app (scheme, host, port; no path), e.g. `https://mcp.example.com`.
   * Its metadata is served at `/.well-known/oauth-authorization-server` (RFC 8414) and
   * `/.well-known/openid-configuration`; its endpoints under `routePrefix`.
   */
  issuer: string;
  /** Scopes clients may ask for (besides `openid` and `offline_access`), e.g. `['notes:read', 'notes:write']`. */
  scopes: string[];
  /** How users log in (see `McpOAuthLoginOptions`). Needed unless `upstream` is given. */
  login?: McpOAuthLoginOptions;
  /** An upstream identity provider that logs users in (any OpenID Connect issuer, or GitHub). */
  upstream?: McpOAuthUpstreamOptions;
  /**
   * The resources (RFC 8707) tokens may be asked for: the URLs of your MCP servers. A list of exact URLs, or a
   * predicate. Default: any URL on the issuer's origin.
   */
  resources?: string[] | ((resource: string) => boolean);
  /** Path prefix of the endpoints and pages. Default `/oauth`. */
  routePrefix?: string;
  /**
   * Private signing keys of the access tokens, as JWKs (EC P-256 with `alg: 'ES256'`, or RSA with `RS256`), each
   * with a `kid`. The first signs; all are published, so rotate by putting a new key first and keeping the old
   * one until its tokens have expired. Default: one ES256 key made at start-up (fine for one process; give keys
   * when several replicas must accept each other's tokens, or tokens must survive a restart).
   */
  signingKeys?: Record<string, unknown>[];
  /** Keys that sign the server's cookies (first signs, all verify). Default: a random key made at start-up. */
  cookieKeys?: string[];
  /** Access token lifetime in seconds. Default 900. */
  accessTokenTtlSeconds?: number;
  /** Refresh token (and grant) lifetime in seconds. Default 14 days. */
  refreshTokenTtlSeconds?: number;
  /** Dynamic client registration (RFC 7591). */
  registration?: McpOAuthRegistrationOptions;
  /** Client ID metadata documents. */
  clientIdMetadataDocuments?: McpOAuthClientIdMetadataDocumentOptions;
  /** Clients known in advance (RFC 7591 metadata, snake_case), e.g. a confidential web app. */
  clients?: Record<string, unknown>[];
  /** Whether consent is remembered per user and client (asked again only for new scopes or resources). Default true. */
  rememberConsent?: boolean;
  /** Trust X-Forwarded-Proto / X-Forwarded-Host (behind a proxy or tunnel). Default false. */
  trustProxy?: boolean;
  /** The stores of its state. */
  stores?: McpOAuthStores;
}
