import { randomUUID } from 'node:crypto';
import { createMcpTestToken } from '@nestmcp/core/testing';
import { RedisTestServer } from './fixtures/redis/redis-server.js';
import { startReplica, type Replica } from './fixtures/redis/replicas.js';

const SECRET = 'owners-secret-0123456789-0123456789-0123';
const ISSUER = 'https://issuer.test';
const OTHER_ISSUER = 'https://other-issuer.test';
const AUDIENCE = 'replicated';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };

// Two replicas on one redis-server, tokens checked by the module's own JWT check: a session belongs to its
// principal (issuer + subject) on every replica, whichever replica the request lands on.
describe('scale-out on Redis: a session is its owner\'s on every replica', () => {
  let redis: RedisTestServer;
  let replicas: Replica[] = [];
  const prefix = `ow${randomUUID().slice(0, 6)}:`;

  beforeAll(async () => {
    redis = await RedisTestServer.start();
    const auth = { jwt: { secret: SECRET, issuer: [ISSUER, OTHER_ISSUER], audience: AUDIENCE } };
    replicas = [await startReplica('A', redis.url, prefix, { auth }), await startReplica('B', redis.url, prefix, { auth })];
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.app.close();
    for (const key of redis.keys(`${prefix}*`)) expect(redis.pttl(key)).toBeGreaterThan(0);
    await redis.close();
  });

  const token = (sub: string, issuer = ISSUER) => createMcpTestToken(replicas[0].app, { sub }, { issuer });

  async function initialize(replica: Replica, bearer: string): Promise<string> {
    const response = await fetch(new URL('/mcp', replica.base), {
      method: 'POST',
      headers: { ...HEADERS, authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const id = response.headers.get('mcp-session-id')!;
    const initialized = await post(replica, id, bearer, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(initialized.status).toBe(202);
    return id;
  }

  function post(replica: Replica, session: string, bearer: string | undefined, body: unknown): Promise<Response> {
    return fetch(new URL('/mcp', replica.base), {
      method: 'POST',
      headers: { ...HEADERS, 'mcp-session-id': session, ...(bearer && { authorization: `Bearer ${bearer}` }) },
      body: JSON.stringify(body),
    });
  }

  const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } };

  it("answers another subject's, another issuer's and an anonymous caller's request for a session on the other replica like an unknown one", async () => {
    const [a, b] = replicas;
    const alice = await token('alice');
    const session = await initialize(a, alice);

    const bob = await post(b, session, await token('bob'), call);
    expect(bob.status).toBe(404);
    await bob.text();
    const sameSubjectOtherIssuer = await post(b, session, await token('alice', OTHER_ISSUER), call);
    expect(sameSubjectOtherIssuer.status).toBe(404);
    await sameSubjectOtherIssuer.text();
    const anonymous = await post(b, session, undefined, call);
    expect([401, 404]).toContain(anonymous.status);
    await anonymous.text();

    // The owner is served on the other replica.
    const own = await post(b, session, alice, call);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('"B"');
  });

  it("does not let another subject resume a session's stream on the other replica with its Last-Event-ID", async () => {
    const [a, b] = replicas;
    const alice = await token('alice');
    const session = await initialize(a, alice);
    const own = await post(a, session, alice, call);
    const body = await own.text();
    const eventId = /^id: (.+)$/m.exec(body)?.[1];
    expect(eventId).toBeDefined();
    const resumed = await fetch(new URL('/mcp', b.base), {
      headers: { ...HEADERS, 'mcp-session-id': session, 'last-event-id': eventId!, authorization: `Bearer ${await token('bob')}` },
    });
    expect(resumed.status).toBe(404);
    await resumed.text();
  });

  it("replays nothing of another session to its own owner: an event id of one session used on another, on the other replica", async () => {
    const [a, b] = replicas;
    const alice = await token('alice');
    const first = await initialize(a, alice);
    const eventId = /^id: (.+)$/m.exec(await (await post(a, first, alice, call)).text())?.[1];
    expect(eventId).toBeDefined();
    const second = await initialize(a, alice);
    const aborted = new AbortController();
    const resumed = await fetch(new URL('/mcp', b.base), {
      headers: { ...HEADERS, 'mcp-session-id': second, 'last-event-id': eventId!, authorization: `Bearer ${alice}` },
      signal: aborted.signal,
    });
    // Whatever the status, the body carries none of the first session's events.
    let body = '';
    if (resumed.body) {
      const reader = resumed.body.getReader();
      setTimeout(() => aborted.abort(), 300);
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          body += new TextDecoder().decode(value);
        }
      } catch {
        // aborted: the stream stays open for new events
      }
    }
    expect(body).not.toContain('"A"');
    expect(body).not.toContain('whoami');
    expect(body).not.toMatch(/"id":1/);
  });
});
