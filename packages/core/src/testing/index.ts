export { createMcpClient, type McpClientOptions } from './mcp-test-client.js';
