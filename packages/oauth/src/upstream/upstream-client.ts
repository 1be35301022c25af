import * as openid from 'openid-client';
import type { McpOAuthUpstreamIdentity, McpOAuthUpstreamOptions } from '../interfaces/mcp-oauth-upstream-options.interface.js';

/** GitHub's OAuth app endpoints (GitHub is not an OpenID provider: no discovery, no ID token). */
const GITHUB = {
  issuer: 'https://github.com',
  authorization_endpoint: 'https://github.com/login/oauth/authorize',
  token_endpoint: 'https://github.com/login/oauth/access_token',
};
const GITHUB_USER_API = 'https://api.github.com/user';

/** An upstream provider as openid-client (panva's certified relying party library) talks to it. */
export interface UpstreamClient {
  readonly config: openid.Configuration;
  readonly scopes: string[];
  readonly github: boolean;
  /** Who the user is, from the token response (ID token claims, else userinfo; GitHub: its user API). */
  identity(tokens: openid.TokenEndpointResponse & openid.TokenEndpointResponseHelpers): Promise<McpOAuthUpstreamIdentity>;
}

/** Finds the upstream provider (OIDC discovery, or GitHub's known endpoints) and sets up the client for it. */
export async function upstreamClient(options: McpOAuthUpstreamOptions): Promise<UpstreamClient> {
  const github = options.issuer === 'github';
  const auth = options.clientSecret ? openid.ClientSecretPost(options.clientSecret) : openid.None();
  const insecure = options.allowHttpForDevelopment ? { execute: [openid.allowInsecureRequests] } : undefined;
  const config = github
    ? new openid.Configuration(GITHUB, options.clientId, {}, auth)
    : await openid.discovery(new URL(options.issuer), options.clientId, {}, auth, insecure);
  if (!github && options.allowHttpForDevelopment) openid.allowInsecureRequests(config);
  return {
    config,
    github,
    scopes: options.scopes ?? (github ? ['read:user'] : ['openid', 'profile', 'email']),
    async identity(tokens) {
      if (github) {
        const response = await openid.fetchProtectedResource(config, tokens.access_token, new URL(GITHUB_USER_API), 'GET', undefined, new Headers({ accept: 'application/vnd.github+json' }));
        const user = (await response.json()) as Record<string, unknown>;
        if (!response.ok || user.id === undefined) throw new Error(`GitHub's user API answered HTTP ${response.status}`);
        return { sub: String(user.id), claims: user };
      }
      const claims = tokens.claims();
      if (claims) return { sub: claims.sub, claims };
      const userinfo = await openid.fetchUserInfo(config, tokens.access_token, openid.skipSubjectCheck);
      return { sub: userinfo.sub, claims: userinfo };
    },
  };
}

export { openid };
