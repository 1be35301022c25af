import type { INestApplication } from '@nestjs/common';
import { McpModule } from '@nestmcp/core';
import { startApp } from './fixtures/app.js';
import { StatelessTools } from './fixtures/stateless-tools.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };

/** Stateless requests are served on pooled protocol connections: each still behaves as a connection of its own. */
describe.each([true, false])('stateless (jsonResponse: %s)', (jsonResponse) => {
  let app: INestApplication;
  let url: URL;
  beforeAll(async () => {
    const started = await startApp({
      imports: [McpModule.forRoot({ name: 'stateless', version: '1.0.0', transports: { streamableHttp: { path: '/mcp', stateless: true, jsonResponse } } })],
      providers: [StatelessTools],
    });
    app = started.app;
    url = started.url('/mcp');
  });
  afterAll(() => app.close());

  async function post(body: object, signal?: AbortSignal): Promise<Record<string, any>> {
    const response = await fetch(url, { method: 'POST', headers: HEADERS, body: JSON.stringify({ jsonrpc: '2.0', ...body }), signal });
    const text = await response.text();
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      const data = text.split('\n').filter((line) => line.startsWith('data:')).map((line) => JSON.parse(line.slice(5)));
      return data[data.length - 1];
    }
    return JSON.parse(text);
  }

  it('answers concurrent requests that all use the same id, each with its own result', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post({ id: 1, method: 'tools/call', params: { name: 'add', arguments: { a: i, b: 1000 } } })),
    );
    answers.forEach((answer, i) => expect(answer).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: String(i + 1000) }] } }));
  });

  it('serves initialize, then plain requests, in any order', async () => {
    const init = await post({ id: 'i', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    expect(init.result.serverInfo.name).toBe('stateless');
    expect((await post({ id: 2, method: 'logging/setLevel', params: { level: 'emergency' } })).result).toEqual({});
    expect((await post({ id: 3, method: 'tools/list' })).result.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(['add', 'wait_for_abort']);
    expect((await post({ id: 4, method: 'ping' })).result).toEqual({});
  });

  it('aborts the handler when the client goes away, and keeps serving', async () => {
    const tag = `gone-${jsonResponse}`;
    const controller = new AbortController();
    const pending = post({ id: 9, method: 'tools/call', params: { name: 'wait_for_abort', arguments: { tag } } }, controller.signal).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    expect(await pending).toBe('aborted');
    for (let i = 0; i < 50 && !StatelessTools.aborted.includes(tag); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(StatelessTools.aborted).toContain(tag);
    const answer = await post({ id: 9, method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 2 } } });
    expect(answer.result.content).toEqual([{ type: 'text', text: '3' }]);
  });
});
