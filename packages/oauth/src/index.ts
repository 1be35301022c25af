// Public API of @nestmcp/oauth: the module, its options, the server and the store contracts.
export { McpOAuthModule } from './mcp-oauth.module.js';
export { MCP_OAUTH_MODULE_OPTIONS } from './mcp-oauth.module-definition.js';
export { McpOAuthMessages } from './mcp-oauth.messages.js';
export { McpOAuthServer } from './provider/mcp-oauth-server.js';
export * from './interfaces/mcp-oauth-options.interface.js';
export * from './interfaces/mcp-oauth-upstream-options.interface.js';
export * from './stores/mcp-oauth-client-store.js';
export * from './stores/mcp-oauth-token-store.js';
export * from './stores/mcp-oauth-consent-store.js';
export * from './stores/mcp-oauth-upstream-token-store.js';
export { InMemoryClientStore } from './stores/in-memory-client-store.js';
export { InMemoryTokenStore } from './stores/in-memory-token-store.js';
export { InMemoryConsentStore } from './stores/in-memory-consent-store.js';
export { InMemoryUpstreamTokenStore } from './stores/in-memory-upstream-token-store.js';
