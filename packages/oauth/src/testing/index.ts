// Shared cases for store implementations of @nestmcp/oauth (packages/redis and your own): run them against your store.
export { describeMcpOAuthClientStore } from './describe-client-store.js';
export { describeMcpOAuthTokenStore } from './describe-token-store.js';
export { describeMcpOAuthConsentStore } from './describe-consent-store.js';
export { describeMcpOAuthUpstreamTokenStore } from './describe-upstream-token-store.js';
