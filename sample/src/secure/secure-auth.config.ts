import type { McpModuleOptions } from '@nestmcp/core';

export const SECURE_SERVER_NAME = 'nestmcp-sample-secure';
export const SECURE_MCP_PATH = '/secure/mcp';

/** Defaults shared with `npm run token` (scripts/token.mjs): change them together. */
export const SAMPLE_JWT_DEFAULTS = {
  secret: 'dev-secret-change-me',
  issuer: 'nestmcp-sample',
  audience: `http://127.0.0.1:3000${SECURE_MCP_PATH}`,
};

/**
 * Options of the protected server, read from the environment when the app starts (forRootAsync). It accepts two
 * kinds of bearer tokens:
 * - those of the sample's own authorization server (McpOAuthModule, see auth/sample-oauth.config.ts), which real
 *   OAuth clients get by logging in: verified in memory with its keys, and only when issued for this server's URL;
 * - HS256 tokens from `npm run token`, signed with SAMPLE_JWT_SECRET, issued by SAMPLE_JWT_ISSUER, for
 *   SAMPLE_JWT_AUDIENCE (the server's canonical URL), for scripts.
 * Set SAMPLE_PUBLIC_URL when the server is reached through another URL (a proxy, a tunnel).
 */
export function secureServerOptions(env: NodeJS.ProcessEnv = process.env): McpModuleOptions {
  const resource = env.SAMPLE_PUBLIC_URL ? `${env.SAMPLE_PUBLIC_URL.replace(/\/$/, '')}${SECURE_MCP_PATH}` : undefined;
  return {
    name: SECURE_SERVER_NAME,
    version: '0.1.0',
    instructions: 'Your own notes. Needs a bearer token; notes:read to list, notes:write to add.',
    auth: {
      jwt: [
        {},
        {
          secret: env.SAMPLE_JWT_SECRET ?? SAMPLE_JWT_DEFAULTS.secret,
          issuer: env.SAMPLE_JWT_ISSUER ?? SAMPLE_JWT_DEFAULTS.issuer,
          audience: env.SAMPLE_JWT_AUDIENCE ?? resource ?? SAMPLE_JWT_DEFAULTS.audience,
          algorithms: ['HS256'],
        },
      ],
      ...(resource && { resource }),
      resourceName: 'nestmcp sample (secure notes)',
    },
  };
}
