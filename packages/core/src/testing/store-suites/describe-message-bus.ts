import assert from 'node:assert/strict';
import type { McpBusMessage, McpMessageBus } from '../../stores/mcp-message-bus.js';
import { fresh, sleep, suite, type StoreFactory } from './test-globals.js';

/** Waits until `received` has `count` messages (a bus may deliver asynchronously, even across processes). */
async function until(received: unknown[], count: number): Promise<void> {
  for (let i = 0; i < 200 && received.length < count; i++) await sleep(10);
}

/**
 * The cases every `McpMessageBus` must pass: JSON messages reach every subscription of their channel in
 * order, only theirs, and no longer after unsubscribing. `factory` gives a fresh bus per case.
 */
export function describeMcpMessageBus(name: string, factory: StoreFactory<McpMessageBus>): void {
  suite.describe(`McpMessageBus contract: ${name}`, () => {
    const bus = fresh(factory);

    suite.it('delivers each message to every subscription of its channel, in order, as JSON', async () => {
      const messages = await bus();
      const first: McpBusMessage[] = [];
      const second: McpBusMessage[] = [];
      await messages.subscribe('s:broadcast', (message) => void first.push(message));
      await messages.subscribe('s:broadcast', (message) => void second.push(message));
      const sent = [1, 2, 3].map((n) => ({ type: 'list_changed', kind: 'tools', n, nested: { uri: `a://${n}` } }));
      for (const message of sent) await messages.publish('s:broadcast', message);
      await until(first, 3);
      await until(second, 3);
      assert.deepEqual(first, sent);
      assert.deepEqual(second, sent);
    });

    suite.it('keeps channels apart and stops after unsubscribe', async () => {
      const messages = await bus();
      const mine: McpBusMessage[] = [];
      const theirs: McpBusMessage[] = [];
      const subscription = await messages.subscribe('a:to-session:1', (message) => void mine.push(message));
      await messages.subscribe('b:to-session:1', (message) => void theirs.push(message));
      await messages.publish('a:to-session:1', { type: 'to-client', n: 1 });
      await until(mine, 1);
      await subscription.unsubscribe();
      await messages.publish('a:to-session:1', { type: 'to-client', n: 2 });
      await messages.publish('b:to-session:1', { type: 'to-client', n: 3 });
      await until(theirs, 1);
      await sleep(50);
      assert.deepEqual(mine, [{ type: 'to-client', n: 1 }]);
      assert.deepEqual(theirs, [{ type: 'to-client', n: 3 }]);
      await messages.publish('nobody:listens', { type: 'x' });
    });

    suite.it('keeps delivering to the others when one listener throws', async () => {
      const messages = await bus();
      const received: McpBusMessage[] = [];
      await messages.subscribe('s:broadcast', () => {
        throw new Error('listener failed');
      });
      await messages.subscribe('s:broadcast', (message) => void received.push(message));
      await messages.publish('s:broadcast', { type: 'resource_updated', uri: 'a://1' });
      await until(received, 1);
      assert.deepEqual(received, [{ type: 'resource_updated', uri: 'a://1' }]);
    });
  });
}
