import type { INestApplication } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { McpModule } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { SseSessions } from '../packages/core/src/sessions/sse-sessions.js';
import { startApp } from './fixtures/app.js';
import { EchoTools } from './fixtures/echo.tools.js';
import { SseReader } from './fixtures/sse-reader.js';

const sseModule = (keepAliveMs?: number) =>
  McpModule.forRoot({ name: 'sse-test', version: '1.0.0', transports: { streamableHttp: { path: '/mcp' }, sse: { keepAliveMs } } });

async function connectSse(url: URL): Promise<Client> {
  const client = new Client({ name: 'sse-e2e', version: '1.0.0' });
  await client.connect(new SSEClientTransport(url));
  return client;
}

/** Waits (bounded) until `check` holds. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

const initialize = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

describe('legacy HTTP+SSE transport', () => {
  describe('with the SDK SSEClientTransport', () => {
    let app: INestApplication;
    let url: (path?: string) => URL;
    beforeAll(async () => {
      ({ app, url } = await startApp({ imports: [sseModule()], providers: [EchoTools] }));
    });
    afterAll(() => app.close());

    it('serves the same tools, resources and prompts as Streamable HTTP', async () => {
      const sse = await connectSse(url('/sse'));
      const streamable = await createMcpClient(app);
      expect(await sse.listTools()).toEqual(await streamable.listTools());
      expect(await sse.listResources()).toEqual(await streamable.listResources());
      expect(await sse.listPrompts()).toEqual(await streamable.listPrompts());
      expect(await sse.callTool({ name: 'echo', arguments: { text: 'over sse' } })).toEqual({ content: [{ type: 'text', text: 'over sse' }] });
      expect((await sse.readResource({ uri: 'echo://greeting' })).contents).toEqual([{ uri: 'echo://greeting', mimeType: 'text/plain', text: 'hello' }]);
      expect((await sse.getPrompt({ name: 'hi', arguments: { name: 'Ada' } })).messages[0].content).toEqual({ type: 'text', text: 'Say hi to Ada' });
      await sse.close();
      await streamable.close();
    });

    it('frees the session and its server when the client disconnects', async () => {
      const sessions = app.get(SseSessions);
      const clients = await Promise.all([connectSse(url('/sse')), connectSse(url('/sse'))]);
      expect(sessions.size).toBe(2);
      await clients[0].close();
      await eventually(() => sessions.size === 1);
      await clients[1].close();
      await eventually(() => sessions.size === 0);
    });
  });

  describe('on the wire', () => {
    let app: INestApplication;
    let url: (path?: string) => URL;
    beforeAll(async () => {
      ({ app, url } = await startApp({ imports: [sseModule(50)], providers: [EchoTools] }, (nest) => void nest.setGlobalPrefix('api')));
    });
    afterAll(() => app.close());

    async function open(): Promise<{ reader: SseReader; messages: URL; abort: AbortController }> {
      const abort = new AbortController();
      const response = await fetch(url('/api/sse'), { headers: { accept: 'text/event-stream' }, signal: abort.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const reader = new SseReader(response);
      const first = await reader.next();
      expect(first?.event).toBe('endpoint');
      return { reader, messages: new URL(first!.data!, url('/')), abort };
    }

    const post = (to: URL, body: unknown, headers: Record<string, string> = {}) =>
      fetch(to, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    it('sends the messages URL with the global prefix first, answers POSTs with 202 and the response on the stream', async () => {
      const { reader, messages, abort } = await open();
      expect(messages.pathname).toBe('/api/messages');
      expect(messages.searchParams.get('sessionId')).toMatch(/^[0-9a-f-]{36}$/);
      const accepted = await post(messages, initialize(1));
      expect(accepted.status).toBe(202);
      const answer = await reader.nextMessage();
      expect(answer).toMatchObject({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2024-11-05', serverInfo: { name: 'sse-test' } } });
      abort.abort();
      await reader.cancel();
    });

    it('sends keep-alive comments', async () => {
      const { reader, abort } = await open();
      const comment = await reader.next();
      expect(comment?.comment).toBe('keep-alive');
      abort.abort();
      await reader.cancel();
    });

    it('answers 404 for an unknown session and 400 without one', async () => {
      const unknown = await post(url('/api/messages?sessionId=nope'), initialize(1));
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
      const missing = await post(url('/api/messages'), initialize(1));
      expect(missing.status).toBe(400);
    });

    it('rejects a body that is not one JSON-RPC message', async () => {
      const { reader, messages, abort } = await open();
      const batch = await post(messages, [initialize(1)]);
      expect(batch.status).toBe(400);
      const junk = await post(messages, { hello: 'world' });
      expect(junk.status).toBe(400);
      expect(((await junk.json()) as { error: { code: number } }).error.code).toBe(-32600);
      const text = await fetch(messages, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
      expect(text.status).toBe(415);
      abort.abort();
      await reader.cancel();
    });

    it('runs every POST in the request context of that POST, also when calls overlap', async () => {
      const { reader, messages, abort } = await open();
      await post(messages, initialize(1));
      await reader.nextMessage();
      await post(messages, { jsonrpc: '2.0', method: 'notifications/initialized' });
      const call = (id: number, who: string, delayMs: number) =>
        post(messages, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'whoami', arguments: { delayMs } } }, { 'x-call': who });
      const statuses = await Promise.all([call(2, 'first', 300), call(3, 'second', 0)]);
      expect(statuses.map((r) => r.status)).toEqual([202, 202]);
      const answers = [await reader.nextMessage(), await reader.nextMessage()];
      const byId = Object.fromEntries(answers.map((a) => [a.id, JSON.parse(a.result.content[0].text)]));
      const sessionId = messages.searchParams.get('sessionId');
      expect(byId[2]).toEqual({ before: 'first', after: 'first', fromRequest: 'first', sessionId, same: true });
      expect(byId[3]).toEqual({ before: 'second', after: 'second', fromRequest: 'second', sessionId, same: true });
      abort.abort();
      await reader.cancel();
    });
  });
});

describe('legacy HTTP+SSE transport limits', () => {
  it('refuses a new stream with 503 when the server holds maxSessions, and checks posted messages like Streamable HTTP', async () => {
    const module = McpModule.forRoot({ name: 'sse-limits', version: '1', limits: { maxSessions: 1, maxJsonDepth: 8 }, transports: { sse: {} } });
    const { app, url } = await startApp({ imports: [module], providers: [EchoTools] });
    const first = await connectSse(url('/sse'));
    const refused = await fetch(url('/sse'), { headers: { accept: 'text/event-stream' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/as many sessions as it allows/);

    const sessions = app.get(SseSessions);
    const [sessionId] = [...(sessions as unknown as { sessions: Map<string, unknown> }).sessions.keys()];
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    const posted = await fetch(url(`/messages?sessionId=${sessionId}`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { deep } } }),
    });
    expect(posted.status).toBe(400);
    expect(await posted.json()).toMatchObject({ id: 7, error: { code: -32600, message: expect.stringContaining('deeper than 8') } });
    await first.close();
    await app.close();
  });
});
