import { randomUUID } from 'node:crypto';
import {
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { McpSessions as McpSessionsToken } from '@nestmcp/core';
import { RedisTestServer } from './fixtures/redis/redis-server.js';
import { roundRobinClient, startReplica, type Replica, type Routed } from './fixtures/redis/replicas.js';

/** Text of a tool result. */
const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

// Two replicas (two Nest apps, each with its own Redis connections, as two processes would have) on one real
// redis-server; the official SDK client's requests go to each replica in turn, as behind a load balancer.
describe('scale-out on Redis: sessions served by every replica', () => {
  let redis: RedisTestServer;
  let replicas: Replica[] = [];
  const prefix = `so${randomUUID().slice(0, 6)}:`;
  const live = () => replicas;

  beforeAll(async () => {
    redis = await RedisTestServer.start();
    replicas = [await startReplica('A', redis.url, prefix), await startReplica('B', redis.url, prefix)];
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.app.close();
    // Sessions ended by the tests leave nothing: what is left belongs to sessions still open (none), all with a TTL.
    for (const key of redis.keys(`${prefix}*`)) expect(redis.pttl(key)).toBeGreaterThan(0);
    await redis.close();
  });

  it('serves one session from both replicas: requests alternate, the session is rebuilt from its record', async () => {
    const log: Routed[] = [];
    const { client, transport } = await roundRobinClient(live, {}, log);
    const served = new Set<string>();
    for (let i = 0; i < 4; i++) served.add(text(await client.callTool({ name: 'whoami' })));
    expect(served).toEqual(new Set(['A', 'B']));
    expect(new Set(log.filter((entry) => entry.what === 'tools/call').map((entry) => entry.replica))).toEqual(new Set(['A', 'B']));
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('whoami');
    expect(client.getServerVersion()?.name).toBe('replicated');
    await transport.terminateSession();
    await client.close();
  });

  it("serves a session's first request on another replica right after initialize (the record is complete before the answer)", async () => {
    const [a, b] = replicas;
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (let i = 0; i < 20; i++) {
      const init = await fetch(new URL('/mcp', a.base), {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
      });
      const id = init.headers.get('mcp-session-id')!;
      await init.text();
      const ping = await fetch(new URL('/mcp', b.base), {
        method: 'POST',
        headers: { ...headers, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
      });
      expect(ping.status).toBe(200);
      await ping.text();
      await fetch(new URL('/mcp', b.base), { method: 'DELETE', headers: { 'mcp-session-id': id } });
    }
  });

  it('keeps the log level set through one replica when another serves the call', async () => {
    const { client, transport } = await roundRobinClient(live);
    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => void logs.push(String(note.params.data)));
    await client.setLoggingLevel('error');
    await client.callTool({ name: 'chatty' });
    await client.callTool({ name: 'chatty' });
    expect(logs).toHaveLength(2);
    expect(logs.every((line) => line.startsWith('error from'))).toBe(true);
    expect(new Set(logs)).toEqual(new Set(['error from A', 'error from B']));
    await transport.terminateSession();
    await client.close();
  });

  it('answers an elicitation through another replica than the one that asked', async () => {
    const log: Routed[] = [];
    const { client, transport } = await roundRobinClient(live, { elicitation: { form: {} } }, log);
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { confirm: true } }));
    for (let i = 0; i < 2; i++) {
      const before = log.length;
      const result = text(await client.callTool({ name: 'confirm', arguments: { item: 'x' } }));
      const routed = log.slice(before);
      const asked = routed.find((entry) => entry.what === 'tools/call')!.replica;
      const answered = routed.find((entry) => entry.what === 'answer')!.replica;
      expect(result).toBe(`${asked}: accept true`);
      // Round robin: the answer went to the other replica, and still reached the tool waiting for it.
      expect(answered).not.toBe(asked);
    }
    await transport.terminateSession();
    await client.close();
  });

  it('ends a session everywhere on DELETE through one replica', async () => {
    const { client, transport } = await roundRobinClient(live);
    await client.callTool({ name: 'whoami' });
    await client.callTool({ name: 'whoami' });
    const id = transport.sessionId!;
    await transport.terminateSession();
    for (const replica of replicas) {
      const response = await fetch(new URL('/mcp', replica.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
      });
      expect(response.status).toBe(404);
    }
    expect(redis.keys(`${prefix}replicated:session:${id}*`)).toEqual([]);
    await client.close();
  });

  it('broadcasts a tool registered at runtime on one replica to a client whose stream is on another, once', async () => {
    const { client, transport } = await roundRobinClient(live);
    const changed: number[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed.push(Date.now()));
    // The client's standalone GET stream is open on one of the replicas; call addTool on each of them.
    await until(() => replicas.some((replica) => replica.app.get(McpSessionsToken).openStreams > 0), 'the standalone stream');
    await client.callTool({ name: 'addTool', arguments: { name: `runtime-${randomUUID().slice(0, 4)}` } });
    await until(() => changed.length >= 1, 'tools/list_changed');
    await client.callTool({ name: 'addTool', arguments: { name: `runtime-${randomUUID().slice(0, 4)}` } });
    await until(() => changed.length >= 2, 'a second tools/list_changed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changed).toHaveLength(2);
    await transport.terminateSession();
    await client.close();
  });

  it('tells a client subscribed through one replica of a resource updated through another, once', async () => {
    const { client, transport } = await roundRobinClient(live);
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (note) => void updates.push(note.params.uri));
    await client.subscribeResource({ uri: 'notes://index' });
    await client.callTool({ name: 'touchIndex' });
    await client.callTool({ name: 'touchIndex' });
    await until(() => updates.length >= 2, 'two resources/updated');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(updates).toEqual(['notes://index', 'notes://index']);
    await transport.terminateSession();
    await client.close();
  });
});
