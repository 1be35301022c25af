import type { INestApplication } from '@nestjs/common';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { RawSession } from './fixtures/raw-session.js';
import { ClassSerializerInterceptor, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { McpModule } from '@nestmcp/core';
import { CountingPipe, GlobalGuard, HttpOnlyCatchAllFilter, HttpOnlyGuard, ShopModule, ShopTools, TicketGuard, RolesService, AdminGuard } from './fixtures/enhancers.fixture.js';

type Client = Awaited<ReturnType<typeof createMcpClient>>;
const text = (result: Record<string, unknown>) => (result.content as { type: string; text: string }[])[0]?.text;

describe('Nest enhancers on MCP handlers', () => {
  let app: INestApplication;
  const clients: Client[] = [];
  const connect = async (headers: Record<string, string> = {}) => {
    const client = await createMcpClient(app, { headers });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    ({ app } = await startApp({ imports: [ShopModule] }));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await app.close();
  });

  describe('guards', () => {
    it('runs a method guard with injected dependencies: allows and denies with a tool error', async () => {
      const alice = await connect({ 'x-user': 'alice' });
      expect(text(await alice.callTool({ name: 'restock', arguments: { item: 'tea' } }))).toBe('restocked tea');
      const bob = await connect({ 'x-user': 'bob' });
      const denied = await bob.callTool({ name: 'restock', arguments: { item: 'tea' } });
      expect(denied).toEqual({ content: [{ type: 'text', text: 'Forbidden resource' }], isError: true });
    });

    it('runs a request-scoped guard built for each HTTP request, with its own message', async () => {
      const client = await connect();
      const before = TicketGuard.instances;
      const denied = await client.callTool({ name: 'enter', arguments: {} });
      expect(denied).toEqual({ content: [{ type: 'text', text: 'A valid x-ticket header is needed' }], isError: true });
      const holder = await connect({ 'x-ticket': 'valid' });
      expect(text(await holder.callTool({ name: 'enter', arguments: {} }))).toBe('entered');
      expect(text(await holder.callTool({ name: 'enter', arguments: {} }))).toBe('entered');
      expect(TicketGuard.instances - before).toBe(3);
    });

    it('applies a class guard to tools, resources and prompts (JSON-RPC errors for resources and prompts)', async () => {
      const bob = await connect({ 'x-user': 'bob' });
      expect((await bob.callTool({ name: 'audit', arguments: {} })).isError).toBe(true);
      await expect(bob.readResource({ uri: 'admin://report' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Forbidden resource') });
      await expect(bob.getPrompt({ name: 'briefing' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Forbidden resource') });
      const alice = await connect({ 'x-user': 'alice' });
      expect(text(await alice.callTool({ name: 'audit', arguments: {} }))).toBe('[audited]');
      expect((await alice.readResource({ uri: 'admin://report' })).contents).toEqual([{ uri: 'admin://report', mimeType: 'text/plain', text: '[report]' }]);
      expect((await alice.getPrompt({ name: 'briefing' })).messages).toHaveLength(1);
    });

    it('gives a JSON-RPC error when a guard throws an McpError', async () => {
      const client = await connect();
      await expect(client.callTool({ name: 'strict', arguments: {} })).rejects.toMatchObject({ code: -32600, message: expect.stringContaining('This tool needs the admin role') });
    });

    it('runs a global APP_GUARD marked @ApplyToMcpHandlers() on the MCP HTTP route (type http) and on each handler (type mcp)', async () => {
      GlobalGuard.seen.length = 0;
      const client = await connect();
      const denied = await client.callTool({ name: 'blocked_globally', arguments: {} });
      expect(denied.isError).toBe(true);
      expect(GlobalGuard.seen).toContain('http');
      expect(GlobalGuard.seen).toContain('mcp');
    });

    it('runs an unmarked global APP_GUARD on the MCP HTTP route only, never in the mcp context', async () => {
      HttpOnlyGuard.seen.length = 0;
      const client = await connect({ 'x-user': 'alice' });
      expect(text(await client.callTool({ name: 'restock', arguments: { item: 'tea' } }))).toBe('restocked tea');
      expect(HttpOnlyGuard.seen).toContain('http');
      expect(HttpOnlyGuard.seen).not.toContain('mcp');
    });
  });

  describe('interceptors', () => {
    it('runs method and class interceptors around the handler', async () => {
      const client = await connect();
      expect(text(await client.callTool({ name: 'say', arguments: { text: '  hi  ' } }))).toBe('[hi]');
    });

    it('runs a global APP_INTERCEPTOR with McpExecutionContext', async () => {
      const client = await connect();
      expect(JSON.parse(text(await client.callTool({ name: 'status', arguments: {} })))).toEqual({ ok: true, seenBy: 'tools/call:status' });
    });
  });

  describe('pipes and parameter decorators', () => {
    it('runs @UsePipes on the arguments (type "body") and global pipes on every parameter', async () => {
      CountingPipe.types.length = 0;
      const client = await connect();
      expect(text(await client.callTool({ name: 'say', arguments: { text: '  padded ' } }))).toBe('[padded]');
      expect(CountingPipe.types).toEqual(['body', 'custom', 'custom']);
    });

    it('runs param pipes and custom decorators made with createParamDecorator', async () => {
      const client = await connect({ 'x-user': 'carol' });
      expect(text(await client.callTool({ name: 'shout', arguments: { text: 'hello' } }))).toBe('carol says HELLO (tools/call)');
    });
  });

  describe('exception filters', () => {
    it('lets a method filter turn an exception into a tool result', async () => {
      const client = await connect();
      expect(await client.callTool({ name: 'buy', arguments: { item: 'milk' } })).toEqual({
        content: [{ type: 'text', text: 'Sorry, buy: milk is out of stock' }],
        isError: true,
      });
    });

    it('lets a global APP_FILTER marked @ApplyToMcpHandlers() handle exceptions of MCP calls', async () => {
      const client = await connect();
      expect(text(await client.callTool({ name: 'brew', arguments: {} }))).toBe('teapot: short and stout');
    });

    it('leaves an unmarked global catch-all filter to HTTP routes: a tool that throws is a tool error with its message', async () => {
      HttpOnlyCatchAllFilter.seen.length = 0;
      const client = await connect();
      expect(await client.callTool({ name: 'break_down', arguments: {} })).toEqual({ content: [{ type: 'text', text: 'the machine broke down' }], isError: true });
      expect(HttpOnlyCatchAllFilter.seen).toEqual([]);
    });
  });

  describe('request-scoped providers', () => {
    it('injects the HTTP request of each call by MCP_HTTP_REQUEST and REQUEST, also for overlapping calls', async () => {
      const session = await RawSession.open(new URL('/mcp', await app.getUrl()));
      const [slow, fast] = await Promise.all([
        session.request('tools/call', { name: 'injected', arguments: { delayMs: 300 } }, { 'x-call': 'slow' }),
        session.request('tools/call', { name: 'injected', arguments: { delayMs: 0 } }, { 'x-call': 'fast' }),
      ]);
      expect(JSON.parse(slow.response!.result.content[0].text)).toMatchObject({ mcpRequest: 'slow', request: 'slow', same: true });
      expect(JSON.parse(fast.response!.result.content[0].text)).toMatchObject({ mcpRequest: 'fast', request: 'fast', same: true });
      await session.close();
    });
  });
});

describe('inheritGlobalEnhancers: global enhancers that did not ask to run on MCP handlers', () => {
  const seen: string[] = [];
  class PlainGuard {
    canActivate(context: { getType(): string }) {
      seen.push(context.getType());
      return true;
    }
  }

  async function appWith(inheritGlobalEnhancers: boolean | (new (...args: never[]) => unknown)[] | undefined) {
    @Module({
      imports: [McpModule.forRoot({ name: 'shop', version: '1.0.0', inheritGlobalEnhancers })],
      providers: [RolesService, AdminGuard, ShopTools, { provide: APP_GUARD, useClass: PlainGuard }, { provide: APP_INTERCEPTOR, useClass: ClassSerializerInterceptor }],
    })
    class InheritingModule {}
    return (await startApp({ imports: [InheritingModule] })).app;
  }

  it.each([
    [undefined, ['http'], false],
    [true, ['http', 'mcp'], true],
    [[ClassSerializerInterceptor], ['http'], true],
  ])('inheritGlobalEnhancers %p: the guard sees %p; serializer on tools: %p', async (inherit, types, serializes) => {
    const app = await appWith(inherit as never);
    seen.length = 0;
    const client = await createMcpClient(app, { headers: { 'x-user': 'alice' } });
    expect(text(await client.callTool({ name: 'restock', arguments: { item: 'tea' } }))).toBe('restocked tea');
    expect([...new Set(seen)]).toEqual(types);
    const profile = JSON.parse(text(await client.callTool({ name: 'profile', arguments: {} }))) as Record<string, unknown>;
    expect(profile).toEqual(serializes ? { name: 'alice' } : { name: 'alice', password: 'hunter2' });
    await client.close();
    await app.close();
  });
});
