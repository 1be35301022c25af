import type { INestApplication } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';

export interface McpClientOptions {
  /** Path of the MCP endpoint, with any global prefix. Default `/mcp`. */
  path?: string;
  /** Extra headers sent with every request, e.g. `{ authorization: 'Bearer ...' }`. */
  headers?: Record<string, string>;
  capabilities?: ClientCapabilities;
  name?: string;
}

/**
 * Connects the official SDK client to a listening Nest app over Streamable HTTP, for e2e tests:
 *
 * ```ts
 * await app.listen(0);
 * const client = await createMcpClient(app);
 * const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
 * ```
 */
export async function createMcpClient(app: INestApplication, options: McpClientOptions = {}): Promise<Client> {
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const url = new URL(options.path ?? '/mcp', base);
  const client = new Client({ name: options.name ?? 'nestmcp-test', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: options.headers ?? {} } });
  await client.connect(transport);
  return client;
}
