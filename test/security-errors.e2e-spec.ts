import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { McpModule } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { EchoTools } from './fixtures/echo.tools.js';
import { MCP_POST_HEADERS, messagesOf, openSession, rawRequest } from './fixtures/raw-http.js';

/**
 * Issue 11 point 10: errors read well. A JSON-RPC error's message on the 2025 path is the message itself (the
 * 2025 SDK's McpError puts "MCP error N: " in front of it, which the SDK client then adds a second time), and
 * CORS that would send credentials to any origin is refused at start-up.
 */
describe('error messages on the wire', () => {
  let app: INestApplication;
  let port: number;
  let session: string;
  beforeAll(async () => {
    let url: (path?: string) => URL;
    ({ app, url } = await startApp({ imports: [McpModule.forRoot({ name: 'errors', version: '1.0.0' })], providers: [EchoTools] }));
    port = Number(url().port);
    session = await openSession(port);
  });
  afterAll(() => app.close());

  async function errorOf(method: string, params: Record<string, unknown>): Promise<{ code: number; message: string }> {
    const response = await rawRequest(port, {
      headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method, params }),
    });
    return messagesOf(response)[0].error;
  }

  it.each([
    ['prompts/get', { name: 'hi', arguments: {} }, -32602, 'Missing required argument "name" for prompt "hi".'],
    ['tools/call', { name: 'nope', arguments: {} }, -32602, 'Unknown tool: nope'],
    ['resources/read', { uri: 'echo://nothing' }, -32002, 'Resource not found: echo://nothing'],
    ['nope/nope', {}, -32601, 'Method not found: nope/nope'],
  ])('answers %s with the bare message', async (method, params, code, message) => {
    expect(await errorOf(method, params)).toMatchObject({ code, message });
  });

  it('lets the SDK client show the code once', async () => {
    const client = await createMcpClient(app);
    await expect(client.getPrompt({ name: 'hi', arguments: {} })).rejects.toThrow(
      /^MCP error -32602: Missing required argument "name" for prompt "hi"\.$/,
    );
    await client.close();
  });
});

describe('CORS options refused at start-up', () => {
  it('refuses credentials for any origin', async () => {
    const compiling = Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'cors', version: '1.0.0', allowedOrigins: ['*'], cors: { credentials: true } })],
    }).compile();
    await expect(compiling).rejects.toThrow(/"cors.credentials: true" with "allowedOrigins: \['\*'\]"/);
  });

  it('takes credentials with listed origins, and any origin without credentials', async () => {
    for (const options of [
      { allowedOrigins: ['https://app.example.com'], cors: { credentials: true } },
      { allowedOrigins: ['*'], cors: true },
    ]) {
      const moduleRef = await Test.createTestingModule({ imports: [McpModule.forRoot({ name: 'cors', version: '1.0.0', ...options })] }).compile();
      await moduleRef.close();
    }
  });
});
