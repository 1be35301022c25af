export { createMcpClient, type McpClientOptions } from './mcp-test-client.js';
// Shared cases for store implementations (packages/redis and your own): run them against your store.
export * from './store-suites/index.js';
