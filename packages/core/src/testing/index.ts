// @nestmcp/core/testing: a test client for MCP servers of Nest apps (in memory or over HTTP, both revisions),
// test tokens, and the shared cases for store implementations.
export {
  createMcpTestClient,
  MCP_TEST_MODERN_REVISION,
  type McpTestClient,
  type McpTestClientOptions,
  type McpTestTransport,
} from './mcp-test-client.js';
export { createMcpTestToken, type McpTestTokenClaims, type McpTestTokenOptions } from './mcp-test-token.js';
export { McpTestHelpers, McpToolCallError, type CompletionRef, type McpClientLike } from './mcp-test-helpers.js';
// The first helper (a listening app, Streamable HTTP, the bare SDK client), kept for the tests that use it.
export { createMcpClient, type McpClientOptions } from './create-mcp-client.js';
// Shared cases for store implementations (packages/redis and your own): run them against your store.
export * from './store-suites/index.js';
