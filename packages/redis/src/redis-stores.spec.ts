import { describeMcpEventStore, describeMcpMessageBus, describeMcpReplayGuard, describeMcpSessionStore } from '@nestmcp/core/testing';
import { redisStoresPerCase } from '../../../test/fixtures/redis/per-case-stores.js';

// The Redis stores pass the same cases as the in-memory defaults (@nestmcp/core/testing), on a real redis-server.
const { server: redisServer, stores } = redisStoresPerCase();

describeMcpSessionStore('RedisSessionStore', async () => (await stores()).sessions);
describeMcpEventStore('RedisEventStore', async () => (await stores()).events);
describeMcpMessageBus('RedisMessageBus', async () => (await stores()).bus);
describeMcpReplayGuard('RedisReplayGuard', async () => (await stores()).replay);

const big = (n: number) => ({ jsonrpc: '2.0' as const, method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(1000), n } });

describe('RedisEventStore bounds', () => {
  it('keeps at most maxEventsPerSession events and maxBytesPerSession bytes, dropping the oldest, always the newest', async () => {
    const { events } = await stores({ maxEventsPerSession: 3, maxBytesPerSession: 3500 });
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) ids.push(await events.append('s1', 'a', big(n)));
    expect(await events.bytesOf('s1')).toBeLessThanOrEqual(3500);
    const sent: number[] = [];
    expect(await events.replayAfter('s1', ids[0], () => undefined)).toBeUndefined();
    expect(await events.replayAfter('s1', ids[2], (_, m) => sent.push((m as ReturnType<typeof big>).params.n))).toBe('a');
    expect(sent).toEqual([4, 5]);
    const huge = await events.append('s1', 'a', { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'y'.repeat(10_000) } });
    expect(await events.replayAfter('s1', huge, () => undefined)).toBe('a');
  });

  it('refuses ids that are not its own without asking Redis to parse them', async () => {
    const { events } = await stores();
    await events.append('s1', 'a', null);
    for (const id of ['', 'abc', '1-2-3', '9'.repeat(40) + '-0', '(1-0', '-', '+']) expect(await events.replayAfter('s1', id, () => undefined)).toBeUndefined();
  });
});

describe('Redis keys', () => {
  it('are namespaced by the prefix and all have a TTL, and a store of a session with no expiry gets maxTtlMs', async () => {
    const made = await stores({ keyPrefix: 'ttlcheck:', maxTtlMs: 60_000 });
    await made.sessions.set('srv:session:1', { id: '1', server: 'srv', transport: 'streamable-http', subscriptions: [], createdAt: 1, lastSeen: 1 }, 0);
    await made.events.append('srv:session:1', 'a', null);
    await made.replay.claim('srv:request-state:n', 30_000);
    const keys = redisServer().keys('ttlcheck:*');
    expect(keys.sort()).toEqual(['ttlcheck:srv:request-state:n', 'ttlcheck:srv:session:1', 'ttlcheck:srv:session:1:events', 'ttlcheck:srv:session:1:events:bytes']);
    for (const key of keys) expect(redisServer().pttl(key)).toBeGreaterThan(0);
    expect(redisServer().pttl('ttlcheck:srv:session:1')).toBeLessThanOrEqual(60_000);
    await made.sessions.delete('srv:session:1');
    await made.events.deleteSession('srv:session:1');
    expect(redisServer().keys('ttlcheck:srv:session:*')).toEqual([]);
  });
});
