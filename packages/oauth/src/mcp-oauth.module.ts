import { Module } from '@nestjs/common';
import { MCP_AUTHORIZATION_SERVER } from '@nestmcp/core';
import { McpOAuthConfigurableModule } from './mcp-oauth.module-definition.js';
import { mcpOAuthStoreProviders } from './mcp-oauth-stores.providers.js';
import { McpOAuthServer } from './provider/mcp-oauth-server.js';
import { McpOAuthInteractions } from './interaction/mcp-oauth-interactions.js';
import { McpOAuthUpstreamLogin } from './upstream/mcp-oauth-upstream-login.js';
import { McpOAuthRoutes } from './http/mcp-oauth.routes.js';
import { McpOAuthClientStore } from './stores/mcp-oauth-client-store.js';
import { McpOAuthTokenStore } from './stores/mcp-oauth-token-store.js';
import { McpOAuthConsentStore } from './stores/mcp-oauth-consent-store.js';
import { McpOAuthUpstreamTokenStore } from './stores/mcp-oauth-upstream-token-store.js';

/**
 * An OAuth 2.1 authorization server inside the app, beside the MCP servers:
 *
 * ```ts
 * McpOAuthModule.forRoot({
 *   issuer: 'https://mcp.example.com',
 *   scopes: ['notes:read', 'notes:write'],
 *   login: { verifyPassword: (user, password) => users.check(user, password) },
 * })
 * ```
 *
 * It is global (`isGlobal: false` to keep it in its module): the app's MCP servers with `auth` name it in their
 * protected resource metadata, and `auth: { jwt: {} }` verifies its tokens. See docs/oauth.md.
 */
@Module({
  providers: [
    ...mcpOAuthStoreProviders,
    McpOAuthServer,
    { provide: MCP_AUTHORIZATION_SERVER, useExisting: McpOAuthServer },
    McpOAuthUpstreamLogin,
    McpOAuthInteractions,
    McpOAuthRoutes,
  ],
  exports: [McpOAuthServer, MCP_AUTHORIZATION_SERVER, McpOAuthClientStore, McpOAuthTokenStore, McpOAuthConsentStore, McpOAuthUpstreamTokenStore],
})
export class McpOAuthModule extends McpOAuthConfigurableModule {}
