import { Controller, Get, type INestApplication, Module, Param, Query, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { McpModule, McpTool } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

@Controller('lookup')
class LookupController {
  @Get('by/:key')
  @McpTool({ name: 'lookup' })
  lookup(@Param('key') key: string, @Query('q') q?: string) {
    return { key: key.length, q: q?.length ?? 0 };
  }

  /** Drops the connection without an answer. */
  @Get('drop')
  @McpTool({ name: 'drop' })
  drop(@Req() req: { socket?: { destroy(): void }; raw?: { socket: { destroy(): void } } }) {
    (req.raw ?? req).socket!.destroy();
  }
}

// A request whose line and headers pass Node's limit (16 KiB) is dropped by the server's parser, and a socket pair
// does not tell the client end: the call waited for its whole deadline. So does a route that drops the connection.
// Both are a tool error at once, long before the deadline (20 s here, so the deadline's text would show).
describe.each(['express', 'fastify'] as const)('route tools: requests the server drops (%s)', (adapter) => {
  let app: INestApplication;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

  beforeAll(async () => {
    @Module({ imports: [McpModule.forRoot({ name: 'size', version: '1.0.0', routes: { timeoutMs: 20_000 } })], controllers: [LookupController] })
    class SizeModule {}
    const moduleRef = await Test.createTestingModule({ imports: [SizeModule] }).compile();
    app = adapter === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    client = await createMcpClient(app);
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it('refuses a query argument too long for the server with a clear tool error', async () => {
    const result = await call('lookup', { key: 'k', q: 'x'.repeat(20_000) });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/^The request for GET \/lookup\/by\/\{key\} would have \d+ bytes of request line and headers, more than the 16384 the server accepts/);
    expect((await call('lookup', { key: 'k', q: 'x'.repeat(100) })).structuredContent).toEqual({ key: 1, q: 100 });
  });

  it('refuses a path argument too long for the server with the same error', async () => {
    const result = await call('lookup', { key: 'k'.repeat(20_000) });
    expect(result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('more than the 16384 the server accepts') }] });
  });

  it('ends the call when the route drops the connection', async () => {
    expect(await call('drop', {})).toMatchObject({ isError: true, content: [{ text: 'The app closed the connection of the request for GET /lookup/drop without a whole answer.' }] });
    expect((await call('lookup', { key: 'k' })).structuredContent).toEqual({ key: 1, q: 0 });
  });
});
