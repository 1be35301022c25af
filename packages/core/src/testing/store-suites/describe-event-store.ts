import assert from 'node:assert/strict';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpEventStore } from '../../stores/mcp-event-store.js';
import { fresh, suite, type StoreFactory } from './test-globals.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n } });

async function replay(store: McpEventStore, session: string, lastEventId: string) {
  const sent: [string, JSONRPCMessage][] = [];
  const streamId = await store.replayAfter(session, lastEventId, (id, message) => void sent.push([id, message]));
  return { streamId, sent };
}

/**
 * The cases every `McpEventStore` must pass: ordered replay per stream, sessions kept apart, unknown ids,
 * deletion. `factory` gives a fresh, empty store per case; bounds are implementation options and tested beside.
 */
export function describeMcpEventStore(name: string, factory: StoreFactory<McpEventStore>): void {
  suite.describe(`McpEventStore contract: ${name}`, () => {
    const store = fresh(factory);

    suite.it('replays the message events after an id, on the same stream only, in order', async () => {
      const events = await store();
      const priming = await events.append('s1', 'a', null);
      const first = await events.append('s1', 'a', note(1));
      await events.append('s1', 'b', note(2));
      const third = await events.append('s1', 'a', note(3));
      assert.deepEqual(await replay(events, 's1', priming), { streamId: 'a', sent: [[first, note(1)], [third, note(3)]] });
      assert.deepEqual(await replay(events, 's1', third), { streamId: 'a', sent: [] });
    });

    suite.it('gives unique ids and keeps sessions apart', async () => {
      const events = await store();
      const mine = [await events.append('s1', 'a', null), await events.append('s1', 'a', note(1)), await events.append('s1', 'b', note(2))];
      assert.equal(new Set(mine).size, 3);
      const theirs: string[] = [];
      for (const n of [1, 2, 3]) theirs.push(await events.append('s2', 'a', note(10 + n)));
      assert.deepEqual((await replay(events, 's1', mine[0])).sent.map(([, m]) => m), [note(1)]);
      assert.equal((await replay(events, 's1', theirs[2])).streamId, undefined);
      assert.deepEqual(await replay(events, 's1', 'unknown'), { streamId: undefined, sent: [] });
    });

    suite.it('forgets a session', async () => {
      const events = await store();
      const id = await events.append('s1', 'a', note(1));
      const other = await events.append('s2', 'a', null);
      await events.append('s2', 'a', note(2));
      await events.deleteSession('s1');
      assert.equal((await replay(events, 's1', id)).streamId, undefined);
      assert.equal((await replay(events, 's2', other)).sent.length, 1);
    });
  });
}
