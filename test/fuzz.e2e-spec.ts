import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { openSession, waitFor } from './fixtures/raw-http.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Garbage {
  method: string;
  headers: Record<string, string | undefined>;
  body?: Buffer;
}
interface Answer {
  status: number;
  contentType: string;
  text: string;
  timedOut: boolean;
}

/** One request; a response still open after `timeoutMs` (a GET stream) is cut and reported as such. */
function send(port: number, { method, headers, body }: Garbage, timeoutMs = 2000): Promise<Answer> {
  const clean = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>;
  return new Promise((resolve, reject) => {
    let status = 0;
    let contentType = '';
    let text = '';
    const req = request({ host: '127.0.0.1', port, method, path: '/mcp', headers: clean, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type'] ?? '');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status, contentType, text, timedOut: false });
      });
      res.on('error', () => undefined);
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ status, contentType, text, timedOut: true });
    }, timeoutMs);
    req.on('error', (error) => (status ? undefined : reject(error)));
    req.end(body);
  });
}

const METHODS = ['initialize', 'ping', 'tools/list', 'tools/call', 'resources/list', 'resources/read', 'resources/templates/list',
  'resources/subscribe', 'prompts/list', 'prompts/get', 'completion/complete', 'logging/setLevel', 'notifications/initialized',
  'notifications/cancelled', 'nope/nope', '__proto__', 'constructor'];

const jsonRpcLike = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), fc.anything()),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.double(), fc.object()),
    method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 20 })),
    params: fc.oneof(
      fc.anything(),
      fc.record({ name: fc.constantFrom('echo', 'echo_json', 'fail', 'nope', '__proto__'), arguments: fc.anything() }, { requiredKeys: [] }),
      fc.record({ uri: fc.oneof(fc.constant('hardening://info'), fc.webUrl(), fc.anything()) }, { requiredKeys: [] }),
      fc.record({ protocolVersion: fc.constantFrom('2025-11-25', '2025-03-26', 'x'), capabilities: fc.anything(), clientInfo: fc.anything() }),
      fc.record({ _meta: fc.anything(), cursor: fc.anything(), level: fc.anything() }, { requiredKeys: [] }),
    ),
    result: fc.anything(),
    error: fc.anything(),
  },
  { requiredKeys: [] },
);

const notification = fc.record(
  {
    jsonrpc: fc.constant('2.0'),
    method: fc.constantFrom('notifications/initialized', 'notifications/cancelled', 'notifications/progress', 'notifications/roots/list_changed', 'x'),
    params: fc.oneof(fc.object(), fc.record({ requestId: fc.oneof(fc.integer(), fc.string()), reason: fc.string() })),
  },
  { requiredKeys: ['jsonrpc', 'method'] },
);

const bodyArbitrary = fc.oneof(
  { weight: 2, arbitrary: notification.map((value) => Buffer.from(JSON.stringify(value))) },
  { weight: 5, arbitrary: jsonRpcLike.map((value) => Buffer.from(JSON.stringify(value))) },
  { weight: 2, arbitrary: fc.json().map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.array(jsonRpcLike, { maxLength: 3 }).map((value) => Buffer.from(JSON.stringify(value))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

function garbage(session: () => string): fc.Arbitrary<Garbage> {
  return fc
    .record({
      method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'DELETE', 'OPTIONS', 'PUT'),
      accept: fc.constantFrom(undefined, 'application/json, text/event-stream', 'application/json, text/event-stream', 'application/json, text/event-stream', 'application/json', 'text/event-stream', '*/*', 'text/html', 'x'),
      contentType: fc.constantFrom(undefined, 'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/x+json', 'multipart/form-data'),
      sessionId: fc.oneof(fc.constant('valid'), fc.constant('valid'), fc.constant(undefined), fc.uuid(), fc.stringMatching(/^[A-Za-z0-9._~-]{0,30}$/)),
      version: fc.constantFrom(undefined, '2025-11-25', '2025-03-26', '1999-01-01', ''),
      origin: fc.constantFrom(undefined, undefined, 'http://localhost:3000', 'https://evil.example', 'null'),
      lastEventId: fc.constantFrom(undefined, '0', 'x'),
      body: bodyArbitrary,
    })
    .map(({ method, accept, contentType, sessionId, version, origin, lastEventId, body }) => ({
      method,
      headers: {
        accept,
        'content-type': contentType,
        // The fuzzer keeps its own session: a DELETE of it would only turn later requests into 404s.
        'mcp-session-id': sessionId === 'valid' ? (method === 'DELETE' ? 'gone' : session()) : sessionId,
        'mcp-protocol-version': version,
        origin,
        'last-event-id': lastEventId,
      },
      body: method === 'GET' || method === 'DELETE' || method === 'OPTIONS' ? undefined : body,
    }));
}

/** A 4xx, or a valid answer: JSON-RPC messages as one JSON body or an SSE stream, or an empty 2xx. */
function checkAnswer(answer: Answer, method: string): void {
  expect(answer.status).toBeGreaterThanOrEqual(200);
  expect(answer.status).toBeLessThan(500);
  if (answer.timedOut) {
    // Only a standalone GET stream stays open.
    expect({ method, status: answer.status, type: answer.contentType }).toEqual({ method: 'GET', status: 200, type: 'text/event-stream' });
    return;
  }
  if (method === 'PUT') {
    // Not an MCP method: refused by the gate or the app's own 404 (no route), not ours to shape.
    expect(answer.status).toBeGreaterThanOrEqual(400);
    return;
  }
  if (answer.status >= 400 && answer.text) expect(JSON.parse(answer.text)).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number) } });
  if (answer.status !== 200) return;
  const messages = answer.contentType.startsWith('text/event-stream')
    ? answer.text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)))
    : answer.text ? [JSON.parse(answer.text)] : [];
  for (const message of messages) expect(message.jsonrpc).toBe('2.0');
}

describe.each(PLATFORMS)('fuzzed MCP endpoint (%s)', (platform) => {
  const runs = 2000;
  let app: HardeningApp;
  beforeAll(async () => {
    app = await startHardeningApp(platform, { limits: { sessionIdleTimeoutMs: 500, maxBodyBytes: 64 * 1024, drainTimeoutMs: 500 } });
  });
  afterAll(() => app.app.close());

  it(`answers ${runs} generated requests with a 4xx or a valid response, and returns to its baseline`, async () => {
    let session = await openSession(app.port);
    const statuses = new Map<number, number>();
    // Warm up code paths before measuring memory.
    for (let i = 0; i < 50; i++) await send(app.port, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
    gc();
    const heapBefore = process.memoryUsage().heapUsed;

    await fc.assert(
      fc.asyncProperty(garbage(() => session), async (input) => {
        if (!app.sessions.get(session)) session = await openSession(app.port);
        const answer = await send(app.port, input, input.method === 'GET' ? 300 : 5000);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        checkAnswer(answer, input.method);
      }),
      { numRuns: runs, seed: 20261125, endOnFailure: true },
    );

    // The generator reaches every layer: answered calls, and each kind of refusal.
    for (const status of [200, 202, 400, 403, 404, 406, 415]) expect({ status, seen: (statuses.get(status) ?? 0) > 0 }).toEqual({ status, seen: true });
    // The process is alive and serving.
    const probe = await openSession(app.port);
    expect(probe).toMatch(/^[0-9a-f-]{36}$/);
    // Every session the fuzzer opened is swept once idle; nothing is left in flight.
    await waitFor(() => app.sessions.size === 0 && app.sessions.pendingRequests === 0, 10_000, 'sessions back to 0');
    gc();
    const grownMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(grownMiB).toBeLessThan(32);
  }, 180_000);
});
