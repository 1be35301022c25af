import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryEventStore } from './in-memory-event-store.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n } });

function replay(store: InMemoryEventStore, session: string, lastEventId: string) {
  const sent: [string, JSONRPCMessage][] = [];
  const streamId = store.replayAfter(session, lastEventId, (id, message) => sent.push([id, message]));
  return { streamId, sent };
}

describe('InMemoryEventStore', () => {
  it('replays the message events after an id, on the same stream only, in order', () => {
    const store = new InMemoryEventStore();
    const priming = store.append('s1', 'a', null);
    const first = store.append('s1', 'a', note(1));
    store.append('s1', 'b', note(2));
    const third = store.append('s1', 'a', note(3));
    expect(replay(store, 's1', priming)).toEqual({ streamId: 'a', sent: [[first, note(1)], [third, note(3)]] });
    expect(replay(store, 's1', third)).toEqual({ streamId: 'a', sent: [] });
  });

  it('gives unique ids and keeps sessions apart', () => {
    const store = new InMemoryEventStore();
    const mine = [store.append('s1', 'a', null), store.append('s1', 'a', note(1)), store.append('s1', 'b', note(2))];
    expect(new Set(mine).size).toBe(3);
    const theirs = [1, 2, 3, 4].map((n) => store.append('s2', 'a', note(10 + n)));
    // Another session's events are never replayed, and its ids mean nothing here.
    expect(replay(store, 's1', mine[0]).sent.map(([, m]) => m)).toEqual([note(1)]);
    expect(replay(store, 's1', theirs[3])).toEqual({ streamId: undefined, sent: [] });
    expect(replay(store, 's1', 'unknown')).toEqual({ streamId: undefined, sent: [] });
  });

  it('keeps at most maxEventsPerSession events, dropping the oldest', () => {
    const store = new InMemoryEventStore({ maxEventsPerSession: 3 });
    const oldest = store.append('s1', 'a', note(1));
    const kept = [2, 3, 4].map((n) => store.append('s1', 'a', note(n)));
    expect(replay(store, 's1', oldest).streamId).toBeUndefined();
    expect(replay(store, 's1', kept[0]).sent.map(([, m]) => m)).toEqual([note(3), note(4)]);
  });

  it('forgets a session', () => {
    const store = new InMemoryEventStore();
    const id = store.append('s1', 'a', note(1));
    store.append('s2', 'a', note(1));
    store.deleteSession('s1');
    expect(store.sessionCount).toBe(1);
    expect(replay(store, 's1', id).streamId).toBeUndefined();
  });
});

describe('InMemoryEventStore bounds', () => {
  const big = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(1000), n } });

  it('keeps at most maxBytesPerSession bytes of events, dropping the oldest, but always the newest', () => {
    const store = new InMemoryEventStore({ maxBytesPerSession: 3500 });
    const ids = [1, 2, 3, 4, 5].map((n) => store.append('s1', 'a', big(n)));
    expect(store.bytesOf('s1')).toBeLessThanOrEqual(3500);
    expect(replay(store, 's1', ids[0]).streamId).toBeUndefined();
    expect(replay(store, 's1', ids[2]).sent.map(([, m]) => (m as unknown as { params: { n: number } }).params.n)).toEqual([4, 5]);
    const huge = store.append('s1', 'a', { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'y'.repeat(10_000) } });
    expect(replay(store, 's1', huge)).toEqual({ streamId: 'a', sent: [] });
  });
});
