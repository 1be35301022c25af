import type { INestApplication } from '@nestjs/common';
import { McpModule, McpRegistry } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { z } from 'zod';
import { startApp } from './fixtures/app.js';
import { DispatchTools } from './fixtures/dispatch-tools.js';

/** The dispatcher answers every method through one fallback handler per connection: behaviour stays the SDK's. */
describe('dispatch', () => {
  let app: INestApplication;
  let url: URL;
  beforeAll(async () => {
    const started = await startApp({
      imports: [McpModule.forRoot({ name: 'dispatch', version: '1.0.0', transports: { streamableHttp: { path: '/mcp', jsonResponse: true } } })],
      providers: [DispatchTools],
    });
    app = started.app;
    url = started.url('/mcp');
  });
  afterAll(() => app.close());

  async function session(): Promise<(body: object) => Promise<{ status: number; body: Record<string, any> }>> {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    const sessionId = init.headers.get('mcp-session-id')!;
    await init.text();
    const withSession = { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    await (await fetch(url, { method: 'POST', headers: withSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
    return async (body) => {
      const response = await fetch(url, { method: 'POST', headers: withSession, body: JSON.stringify({ jsonrpc: '2.0', ...body }) });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
  }

  it('answers tools/call with its result for its own id', async () => {
    const post = await session();
    const { body } = await post({ id: 7, method: 'tools/call', params: { name: 'add', arguments: { a: 2, b: 3 }, _meta: { progressToken: 'p' } } });
    expect(body).toEqual({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: '5' }] } });
  });

  it('answers an unknown method with -32601', async () => {
    const post = await session();
    const { body } = await post({ id: 1, method: 'tools/frobnicate', params: {} });
    expect(body.id).toBe(1);
    expect(body.error.code).toBe(-32601);
    expect(body.error.message).toContain('tools/frobnicate');
  });

  it.each([
    ['no name', { arguments: {} }],
    ['arguments that are not an object', { name: 'add', arguments: [1, 2] }],
    ['a name that is not a string', { name: 42, arguments: {} }],
  ])('rejects tools/call params with %s as -32602', async (_label, params) => {
    const post = await session();
    const { body } = await post({ id: 2, method: 'tools/call', params });
    expect(body.error.code).toBe(-32602);
    expect(body.error.message).toContain('Invalid params for tools/call');
  });

  it('rejects a malformed CallToolResult returned by a tool, and passes a valid one through', async () => {
    const post = await session();
    const broken = await post({ id: 3, method: 'tools/call', params: { name: 'broken_result', arguments: {} } });
    expect(broken.body.error.code).toBe(-32602);
    expect(broken.body.error.message).toContain('broken_result');
    const own = await post({ id: 4, method: 'tools/call', params: { name: 'own_result', arguments: {} } });
    expect(own.body.result).toEqual({ content: [{ type: 'text', text: 'mine' }], isError: false });
  });

  it('still lets the SDK answer ping and accepts logging/setLevel', async () => {
    const post = await session();
    expect((await post({ id: 5, method: 'ping' })).body).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
    expect((await post({ id: 6, method: 'logging/setLevel', params: { level: 'error' } })).body).toEqual({ jsonrpc: '2.0', id: 6, result: {} });
    const bad = await post({ id: 8, method: 'logging/setLevel', params: { level: 'loud' } });
    expect(bad.body.error.code).toBe(-32602);
  });

  it('answers a tool that reports progress; in JSON mode the progress has no stream to ride and is not sent', async () => {
    const client = await createMcpClient(app);
    const progress: number[] = [];
    const result = await client.callTool({ name: 'slow', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    // (test/json-mode-notifications.e2e-spec.ts: on the GET stream it could arrive after the response.)
    expect(progress).toEqual([]);
    const raw = await client.request({ method: 'tools/list', params: {} }, z.object({ tools: z.array(z.object({ name: z.string() })) }));
    expect(raw.tools.map((tool) => tool.name).sort()).toEqual(['add', 'broken_result', 'own_result', 'slow']);
    await client.close();
  });

  it('serves tools/list from its serialized cache, and a fresh one after the tools change', async () => {
    const post = await session();
    const names = async (id: number) => ((await post({ id, method: 'tools/list' })).body.result.tools as { name: string }[]).map((tool) => tool.name).sort();
    expect(await names(10)).toEqual(['add', 'broken_result', 'own_result', 'slow']);
    expect((await post({ id: 'same', method: 'tools/list' })).body.id).toBe('same');
    const registry = app.get(McpRegistry);
    registry.registerTool({ name: 'late', description: 'Registered at run time' }, async () => 'late');
    try {
      expect(await names(11)).toEqual(['add', 'broken_result', 'late', 'own_result', 'slow']);
    } finally {
      registry.removeTool('late');
    }
    expect(await names(12)).toEqual(['add', 'broken_result', 'own_result', 'slow']);
  });

  it('ends a session on DELETE (then 404), leaving the stack trace limit as it was', async () => {
    const limit = Error.stackTraceLimit;
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    await init.text();
    const session = { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' };
    expect((await fetch(url, { method: 'DELETE', headers: session })).status).toBe(200);
    expect(Error.stackTraceLimit).toBe(limit);
    const after = await fetch(url, { method: 'POST', headers: { ...headers, ...session }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expect(after.status).toBe(404);
    await after.text();
  });
});
