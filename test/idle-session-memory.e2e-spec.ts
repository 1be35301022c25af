import type { IncomingMessage, Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, openSession, rawRequest } from './fixtures/raw-http.js';

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

/**
 * What an idle session keeps (issue 18, point 7): its protocol state, not the HTTP exchanges that served it. A timer
 * the transport arms during a request (the `requestTimeoutMs` deadline, left armed for the next request) must not
 * hold that request's context, and with it its request and response objects, after the answer. (How much heap an
 * idle session holds is the benchmark's to measure, `npm run bench -- --workloads idle-memory`, not a test's.)
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
});
