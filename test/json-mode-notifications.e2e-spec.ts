import { Injectable, type INestApplication } from '@nestjs/common';
import { McpContext, McpModule, McpTool } from '@nestmcp/core';
import { startApp } from './fixtures/app.js';
import { messages, openGetStream, openSession, readEvents, sessionHeaders } from './fixtures/sse-http.js';

@Injectable()
class ChattyTools {
  @McpTool({ description: 'Reports progress, logs, and answers' })
  async chatty(_args: unknown, ctx: McpContext) {
    await ctx.reportProgress(1, 2);
    await ctx.log.info('halfway');
    await ctx.reportProgress(2, 2);
    return { closed: ctx.closeSSEStream() };
  }
}

// JSON-response mode answers a request with one JSON body, so what the tool sends meanwhile has no stream of its own.
describe('JSON-response mode: messages about a request', () => {
  let app: INestApplication;
  let url: URL;
  beforeAll(async () => {
    const started = await startApp({
      imports: [McpModule.forRoot({ name: 'json', version: '1.0.0', transports: { streamableHttp: { jsonResponse: true, resumability: true } } })],
      providers: [ChattyTools],
    });
    app = started.app;
    url = started.url();
  });
  afterAll(() => app.close());

  it('sends logs on the GET stream but no progress, which could overtake the answer there', async () => {
    const sessionId = await openSession(url);
    const abort = new AbortController();
    const stream = await openGetStream(url, sessionId, undefined, abort.signal);
    expect(stream.status).toBe(200);
    const reading = readEvents(stream, (event) => event.data.includes('halfway'));

    const answer = await fetch(url, {
      method: 'POST',
      headers: sessionHeaders(sessionId),
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'chatty', arguments: {}, _meta: { progressToken: 'p1' } } }),
    });
    expect(answer.headers.get('content-type')).toBe('application/json');
    // A JSON answer has no SSE stream to close: closeSSEStream() says so.
    expect(await answer.json()).toMatchObject({ id: 1, result: { content: [{ type: 'text', text: JSON.stringify({ closed: false }) }] } });

    // The GET stream is ordered: had the first progress notification been sent, it would come before the log.
    const onGet = messages(await reading);
    expect(onGet.map((m) => m.method)).toEqual(['notifications/message']);
    abort.abort();
  });
});
