import { request as httpRequest, type ClientRequest } from 'node:http';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { messagesOf, rawRequest, waitFor, type RawResponse } from './fixtures/raw-http.js';

/**
 * A legacy HTTP+SSE session carries every answer on its one stream, so its requests are not "responses" of their
 * own; still, `maxStreamsPerSession` bounds what one session may have running at once on every transport (docs/
 * production.md). Without it, one SSE session could start any number of handlers that never end.
 */
interface SseSession {
  req: ClientRequest;
  /** The messages URL path (with `?sessionId=`). */
  endpoint: string;
  text: () => string;
  close: () => void;
}

function openSse(port: number): Promise<SseSession> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = httpRequest({ host: '127.0.0.1', port, path: '/sse', headers: { accept: 'text/event-stream' }, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const endpoint = /event: endpoint\ndata: (\S+)/.exec(text)?.[1];
        if (endpoint) resolve({ req, endpoint, text: () => text, close: () => req.destroy() });
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
}

const post = (port: number, path: string, body: unknown): Promise<RawResponse> =>
  rawRequest(port, { path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const call = (id: number, name: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

describe.each(PLATFORMS)('legacy SSE: requests of one session are bounded by maxStreamsPerSession (%s)', (platform) => {
  let app: HardeningApp;
  beforeAll(async () => {
    app = await startHardeningApp(platform, { transports: { sse: {} }, limits: { maxStreamsPerSession: 2, requestTimeoutMs: 0 } });
  });
  afterAll(async () => {
    app.tools.releaseAll();
    await app.app.close();
  });

  it('refuses a request past the limit with 429 and Retry-After, and takes requests again once they end', async () => {
    const sse = await openSse(app.port);
    await post(app.port, sse.endpoint, {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await post(app.port, sse.endpoint, { jsonrpc: '2.0', method: 'notifications/initialized' });

    expect((await post(app.port, sse.endpoint, call(1, 'wait'))).status).toBe(202);
    expect((await post(app.port, sse.endpoint, call(2, 'wait'))).status).toBe(202);
    await waitFor(() => app.tools.waiting.size === 2, 5000, 'both calls to run');

    const refused = await post(app.port, sse.endpoint, call(3, 'wait'));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(messagesOf(refused)[0]).toMatchObject({ id: 3, error: { code: -32000 } });
    expect(app.tools.waiting.size).toBe(2);

    app.tools.releaseAll();
    await waitFor(() => (sse.text().match(/"text":"released"/g) ?? []).length === 2, 5000, 'both answers on the stream');
    expect((await post(app.port, sse.endpoint, call(4, 'echo_json'))).status).toBe(202);
    await waitFor(() => sse.text().includes('"id":4'), 5000, 'the next answer');
    sse.close();
  });

  it('refuses a request whose id is still in flight in the session (409), as Streamable HTTP does', async () => {
    const sse = await openSse(app.port);
    await post(app.port, sse.endpoint, {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await post(app.port, sse.endpoint, { jsonrpc: '2.0', method: 'notifications/initialized' });
    const before = app.tools.waiting.size;
    expect((await post(app.port, sse.endpoint, call(1, 'wait'))).status).toBe(202);
    await waitFor(() => app.tools.waiting.size === before + 1, 5000, 'the call to run');
    const duplicate = await post(app.port, sse.endpoint, call(1, 'wait'));
    expect(duplicate.status).toBe(409);
    expect(messagesOf(duplicate)[0]).toMatchObject({ id: 1, error: { code: -32600 } });
    app.tools.releaseAll();
    await waitFor(() => sse.text().includes('"text":"released"'), 5000, 'the answer');
    sse.close();
  });
});
