import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RedisTestServer } from './fixtures/redis/redis-server.js';
import { roundRobinClient, type Routed } from './fixtures/redis/replicas.js';
import { startSampleReplica, type SampleReplica } from './fixtures/redis/sample-replicas.js';
import { messages, openGetStream, openSession, readEvents, sessionHeaders } from './fixtures/sse-http.js';

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

async function until(check: () => boolean | Promise<boolean>, what: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function initialize(replica: SampleReplica, sessionId?: string): Promise<Response> {
  return fetch(new URL('/mcp', replica.base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(sessionId && { 'mcp-session-id': sessionId }) },
    body: JSON.stringify(
      sessionId
        ? { jsonrpc: '2.0', id: 2, method: 'ping' }
        : { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
    ),
  });
}

// The sample as three processes (`REDIS_URL=... PORT=... npm start`), on one real redis-server with an append-only
// file synced on every write. Clients' requests go to each replica in turn, as behind a load balancer.
describe('the sample scaled out: three processes on Redis, and faults', () => {
  let redis: RedisTestServer;
  let replicas: SampleReplica[] = [];
  const live = () => replicas.filter((replica) => replica.process.exitCode === null && replica.process.signalCode === null);

  beforeAll(async () => {
    redis = await RedisTestServer.start({ persistent: true });
    replicas = await Promise.all(['A', 'B', 'C'].map((name) => startSampleReplica(name, redis.url)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.kill()));
    await redis.close();
  });

  it('keeps the notes in Redis: a note created through one replica is seen and announced through the others', async () => {
    const [a, b] = replicas;
    const log: Routed[] = [];
    const watcher = await roundRobinClient(() => [a], {}, log);
    const updates: string[] = [];
    watcher.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (note) => void updates.push(note.params.uri));
    await watcher.client.subscribeResource({ uri: 'notes://index' });
    await until(() => log.some((entry) => entry.method === 'GET' && entry.status === 200), 'the standalone stream');
    const writer = await roundRobinClient(() => [b]);
    const title = `from B ${randomUUID().slice(0, 4)}`;
    expect(text(await writer.client.callTool({ name: 'create_note', arguments: { title, body: 'shared' } }))).toContain(title);
    await until(() => updates.length > 0, 'notifications/resources/updated on A');
    expect(updates).toEqual(['notes://index']);
    const index = await watcher.client.readResource({ uri: 'notes://index' });
    expect(JSON.parse(String((index.contents[0] as { text: string }).text))).toEqual(expect.arrayContaining([expect.objectContaining({ title })]));
    await writer.client.close();
    await watcher.client.close();
  });

  it('loses no session when a replica is killed mid-stream: the client carries on and resumes its stream elsewhere', async () => {
    const log: Routed[] = [];
    const { client } = await roundRobinClient(live, {}, log);
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (note) => void updates.push(note.params.uri));
    await client.subscribeResource({ uri: 'notes://index' });
    await until(() => log.some((entry) => entry.method === 'GET' && entry.status === 200), 'the standalone stream');
    const holder = replicas.find((replica) => replica.name === log.find((entry) => entry.method === 'GET' && entry.status === 200)!.replica)!;
    await holder.kill();
    // The stream broke with the replica: the SDK client reconnects with Last-Event-ID, to a live replica.
    await until(() => log.some((entry) => entry.method === 'GET' && entry.lastEventId !== undefined && entry.status === 200), 'the resumed stream', 1000);
    const resumed = log.find((entry) => entry.method === 'GET' && entry.lastEventId !== undefined && entry.status === 200)!;
    expect(resumed.replica).not.toBe(holder.name);
    // Its session goes on: calls are served by the survivors, and the stream carries on there.
    for (let i = 0; i < 2; i++) expect(text(await client.callTool({ name: 'search_notes', arguments: { query: 'Welcome' } }))).toContain('Welcome');
    const writer = await roundRobinClient(live);
    await writer.client.callTool({ name: 'create_note', arguments: { title: 'after the crash', body: '-' } });
    await until(() => updates.length > 0, 'the update on the resumed stream');
    expect(updates).toEqual(['notes://index']);
    await writer.client.close();
    await client.close();
  });

  it('answers 503 with Retry-After while Redis is down (never a hang, never a crash), and recovers by itself', async () => {
    const sessionId = await openSession(new URL('/mcp', live()[0].base));
    await redis.stop();
    for (const replica of live()) {
      const refused = await initialize(replica);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.json()).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: expect.stringContaining('session store') } });
      // A session this replica does not hold cannot be looked up: 503 too, not 404.
      const elsewhere = await initialize(replica, randomUUID());
      expect(elsewhere.status).toBe(503);
    }
    expect(live()).toHaveLength(2);
    await redis.start();
    // Each replica reconnects by itself, on its own schedule: wait for every one (a loaded machine spreads them).
    for (const replica of live()) await until(async () => (await initialize(replica)).status === 200, 'service to come back', 1000);
    // The session opened before the outage is still there (the append-only file kept it), on every replica.
    for (const replica of live()) expect((await initialize(replica, sessionId)).status).toBe(200);
  });

  it('answers 503 when Redis hangs (connected, answering nothing): after the command timeout, never a hang', async () => {
    const [x] = live();
    redis.pause();
    try {
      const refused = await initialize(x);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      redis.resume();
    }
    await until(async () => (await initialize(x)).status === 200, 'service after Redis answers again', 1000);
  });

  it('loses no event the event store accepted when Redis restarts mid-run', async () => {
    const [x, y] = live();
    const sessionId = await openSession(new URL('/mcp', x.base));
    const subscribe = await fetch(new URL('/mcp', x.base), {
      method: 'POST',
      headers: sessionHeaders(sessionId),
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'resources/subscribe', params: { uri: 'notes://index' } }),
    });
    expect(messages(await readEvents(subscribe)).at(-1)).toMatchObject({ id: 3, result: {} });
    const away = new AbortController();
    const stream = await openGetStream(new URL('/mcp', x.base), sessionId, undefined, away.signal);
    const [priming] = await readEvents(stream, () => true, 1);
    away.abort();
    const eventsKey = `nestmcp:nestmcp-sample:session:${sessionId}:events`;
    const stored = () => Number(spawnSync('redis-cli', ['-p', String(redis.port), 'xlen', eventsKey]).stdout.toString().trim());
    // The client is away; a note is created: X keeps the notification in the event store (accepted: it is in Redis).
    const writer = await roundRobinClient(() => [y]);
    await writer.client.callTool({ name: 'create_note', arguments: { title: 'before the restart', body: '-' } });
    await until(() => stored() >= 2, 'the event in Redis');
    await writer.client.close();
    await redis.stop();
    await redis.start();
    // Until Y has reconnected to Redis it answers 503 + Retry-After; the client retries, as told.
    const done = new AbortController();
    let resumed = await openGetStream(new URL('/mcp', y.base), sessionId, priming.id, done.signal);
    for (let i = 0; i < 500 && resumed.status === 503; i++) {
      await resumed.text();
      await new Promise((resolve) => setTimeout(resolve, 20));
      resumed = await openGetStream(new URL('/mcp', y.base), sessionId, priming.id, done.signal);
    }
    expect(resumed.status).toBe(200);
    const [event] = await readEvents(resumed, () => true, 1);
    expect(JSON.parse(event.data)).toMatchObject({ method: 'notifications/resources/updated', params: { uri: 'notes://index' } });
    done.abort();
  });
});
