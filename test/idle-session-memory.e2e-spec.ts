import { Agent, request, type IncomingMessage, type Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, initializeBody, openSession, rawRequest } from './fixtures/raw-http.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * Full collections with turns of the event loop between them, until `done()` holds (or `rounds` pass). `done()`
 * runs a turn apart from each collection: a WeakRef's target it derefs is kept alive until the end of that turn.
 */
async function collectUntil(done: () => boolean, rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await tick();
    gc();
    await tick();
    if (done()) return;
  }
}

/** Opens `count` sessions over a few keep-alive connections (initialize + initialized each); resolves when all are open. */
async function openSessions(port: number, count: number, connections = 4): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const post = (headers: Record<string, string>, body: string) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/mcp', headers: { ...MCP_POST_HEADERS, ...headers }, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      });
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next++ < count) {
        const init = await post({}, initializeBody());
        const id = init.headers['mcp-session-id'];
        if (init.statusCode !== 200 || typeof id !== 'string') throw new Error(`initialize: HTTP ${init.statusCode}`);
        const notified = await post({ 'mcp-session-id': id }, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
        if (notified.statusCode !== 202) throw new Error(`notifications/initialized: HTTP ${notified.statusCode}`);
      }
    }),
  );
  agent.destroy();
}

async function heapAfterCollection(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await tick();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * What an idle session keeps (issue 18, point 7): its protocol state, not the HTTP exchanges that served it. A timer
 * the transport arms during a request (the `requestTimeoutMs` deadline, left armed for the next request) must not
 * hold that request's context, and with it its request and response objects, after the answer.
 */
describe.each(PLATFORMS)('idle session memory (%s)', (platform) => {
  let app: HardeningApp;
  const requests: WeakRef<IncomingMessage>[] = [];
  beforeAll(async () => {
    app = await startHardeningApp(platform);
    (app.app.getHttpServer() as Server).on('request', (req: IncomingMessage) => requests.push(new WeakRef(req)));
  });
  afterAll(() => app.app.close());

  it('keeps none of the HTTP requests that opened and used the session', async () => {
    const session = await openSession(app.port);
    const call = await rawRequest(app.port, {
      headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } }),
    });
    expect(call.status).toBe(200);
    expect(requests).toHaveLength(3);
    const retained = () => requests.filter((ref) => ref.deref() !== undefined).length;
    await collectUntil(() => retained() === 0);
    expect({ retained: retained(), sessions: app.sessions.size }).toEqual({ retained: 0, sessions: 1 });
  });

  it('holds under 5 KB of heap per idle session', async () => {
    // Warm: the compiled code and lazily built schemas of the session path are not the sessions' own.
    await openSessions(app.port, 300);
    const before = await heapAfterCollection();
    const count = 1000;
    await openSessions(app.port, count);
    const perSession = ((await heapAfterCollection()) - before) / count;
    expect(app.sessions.size).toBe(1 + 300 + count);
    expect(Math.round(perSession)).toBeLessThan(5 * 1024);
  });
});
