import { Injectable, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { InMemoryEventStore, McpContext, McpModule, McpTool, type McpStreamableHttpOptions } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { callTool, messages, openGetStream, openSession, readEvents } from './fixtures/sse-http.js';
import { Gate } from './fixtures/gate.js';

@Injectable()
class PollingTools {
  static readonly gate = new Gate();
  static closed: boolean[] = [];

  @McpTool({ description: 'Closes its own SSE stream, logs, then answers' })
  async poll_me(_args: unknown, ctx: McpContext) {
    PollingTools.closed.push(ctx.closeSSEStream());
    await ctx.log.info('after close');
    return 'polled';
  }

  @McpTool({ description: 'Logs, waits for the test to open the gate, logs again and answers' })
  async slow(_args: unknown, ctx: McpContext) {
    await ctx.log.info('started');
    await PollingTools.gate.wait();
    await ctx.log.info('finished');
    return 'slow done';
  }
}

async function start(streamableHttp: McpStreamableHttpOptions, platform: 'express' | 'fastify' = 'express') {
  const moduleRef = await Test.createTestingModule({
    imports: [McpModule.forRoot({ name: 'resumable', version: '1.0.0', transports: { streamableHttp } })],
    providers: [PollingTools],
  }).compile();
  const app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url: () => new URL('/mcp', base) };
}

describe.each(['express', 'fastify'] as const)('resumable SSE streams (SEP-1699) on %s', (platform) => {
  const store = new InMemoryEventStore({ maxEventsPerSession: 100 });
  let app: INestApplication;
  let url: URL;

  beforeAll(async () => {
    const started = await start({ path: '/mcp', resumability: { eventStore: store, retryMs: 20 } }, platform);
    app = started.app;
    url = started.url();
  });
  afterAll(() => app.close());
  beforeEach(() => (PollingTools.closed = []));

  it('opens each POST stream with a priming event: an id, the retry interval and no data', async () => {
    const sessionId = await openSession(url);
    const events = await readEvents(await callTool(url, sessionId, 1, 'slow'), (e) => e.data.includes('started'));
    expect(events[0]).toEqual({ id: expect.any(String), retry: 20, data: '' });
    expect(events[1].id).toEqual(expect.any(String));
    expect(events[1].id).not.toBe(events[0].id);
    PollingTools.gate.open();
  });

  it('sends no priming event to a client of an older protocol version', async () => {
    const sessionId = await openSession(url, '2025-06-18');
    const response = await callTool(url, sessionId, 1, 'poll_me', { protocolVersion: '2025-06-18' });
    const events = await readEvents(response);
    expect(events.every((e) => e.data !== '')).toBe(true);
    // Without a cursor the stream cannot be resumed, so closeSSEStream() leaves it open: the answer comes on it.
    expect(messages(events).at(-1)).toMatchObject({ id: 1, result: { content: [{ type: 'text', text: 'polled' }] } });
  });

  it('lets a tool close its stream; the client resumes with Last-Event-ID and gets the rest', async () => {
    const sessionId = await openSession(url);
    const first = await readEvents(await callTool(url, sessionId, 7, 'poll_me'));
    expect(first).toEqual([{ id: expect.any(String), retry: 20, data: '' }]);
    expect(PollingTools.closed).toEqual([true]);

    const resumed = await openGetStream(url, sessionId, first[0].id);
    expect(resumed.status).toBe(200);
    const rest = messages(await readEvents(resumed));
    expect(rest).toEqual([
      expect.objectContaining({ method: 'notifications/message', params: expect.objectContaining({ data: 'after close' }) }),
      expect.objectContaining({ id: 7, result: { content: [{ type: 'text', text: 'polled' }] } }),
    ]);
  });

  it('keeps a request alive when its client drops the stream, and delivers the rest after it reconnects', async () => {
    const sessionId = await openSession(url);
    const abort = new AbortController();
    const events = await readEvents(await callTool(url, sessionId, 3, 'slow', { signal: abort.signal }), (e) => e.data.includes('started'));
    abort.abort();
    const cursor = events.at(-1)!.id!;

    const resumed = await openGetStream(url, sessionId, cursor);
    expect(resumed.status).toBe(200);
    const reading = readEvents(resumed);
    PollingTools.gate.open();
    const rest = messages(await reading);
    expect(rest).toEqual([
      expect.objectContaining({ method: 'notifications/message', params: expect.objectContaining({ data: 'finished' }) }),
      expect.objectContaining({ id: 3, result: { content: [{ type: 'text', text: 'slow done' }] } }),
    ]);
  });

  it('refuses a second standalone stream (409), but a resume replaces the connection it names', async () => {
    const sessionId = await openSession(url);
    const abort = new AbortController();
    const standalone = await openGetStream(url, sessionId, undefined, abort.signal);
    expect(standalone.status).toBe(200);
    const second = await openGetStream(url, sessionId);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: -32000 } });

    // A resume of the POST stream whose connection the server still holds takes it over.
    const events = await readEvents(await callTool(url, sessionId, 5, 'slow'), (e) => e.data.includes('started'));
    const resumed = await openGetStream(url, sessionId, events.at(-1)!.id);
    expect(resumed.status).toBe(200);
    const reading = readEvents(resumed);
    PollingTools.gate.open();
    expect(messages(await reading).at(-1)).toMatchObject({ id: 5, result: { content: [{ type: 'text', text: 'slow done' }] } });
    abort.abort();
  });

  it('opens the standalone stream for an unknown or expired Last-Event-ID', async () => {
    const sessionId = await openSession(url);
    const abort = new AbortController();
    const response = await openGetStream(url, sessionId, 'no-such-event', abort.signal);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    abort.abort();
  });

  it('works end to end with the official SDK client, which reconnects by itself', async () => {
    const client = await createMcpClient(app);
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params.data));
    const result = await client.callTool({ name: 'poll_me', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'polled' }]);
    expect(logs).toContain('after close');
    expect(PollingTools.closed).toEqual([true]);
    await client.close();
  });

  it("forgets a session's events when the session ends", async () => {
    const sessionId = await openSession(url);
    await readEvents(await callTool(url, sessionId, 1, 'poll_me'));
    const before = store.sessionCount;
    const deleted = await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' } });
    expect(deleted.status).toBe(200);
    expect(store.sessionCount).toBe(before - 1);
  });
});

describe('SSE streams without resumability', () => {
  let app: INestApplication;
  let url: URL;
  beforeAll(async () => {
    const started = await start({ path: '/mcp' });
    app = started.app;
    url = started.url();
  });
  afterAll(() => app.close());

  it('sends events without ids, and closeSSEStream() does nothing', async () => {
    PollingTools.closed = [];
    const sessionId = await openSession(url);
    const events = await readEvents(await callTool(url, sessionId, 1, 'poll_me'));
    expect(events.every((e) => e.id === undefined && e.data !== '')).toBe(true);
    expect(messages(events).at(-1)).toMatchObject({ id: 1, result: { content: [{ type: 'text', text: 'polled' }] } });
    expect(PollingTools.closed).toEqual([false]);
  });
});
