import assert from 'node:assert/strict';
import type { McpReplayGuard } from '../../stores/mcp-replay-guard.js';
import { fresh, sleep, suite, type StoreFactory } from './test-globals.js';

/** The cases every `McpReplayGuard` must pass: a nonce is claimed once, keys stay apart, a claim lasts its TTL. */
export function describeMcpReplayGuard(name: string, factory: StoreFactory<McpReplayGuard>): void {
  suite.describe(`McpReplayGuard contract: ${name}`, () => {
    const guard = fresh(factory);

    suite.it('claims a nonce once', async () => {
      const replay = await guard();
      assert.equal(await replay.claim('s:request-state:n1', 60_000), true);
      assert.equal(await replay.claim('s:request-state:n1', 60_000), false);
      assert.equal(await replay.claim('s:request-state:n2', 60_000), true);
      assert.equal(await replay.claim('other:request-state:n1', 60_000), true);
    });

    suite.it('holds a claim for its TTL, not for ever', async () => {
      const replay = await guard();
      assert.equal(await replay.claim('s:request-state:short', 300), true);
      await sleep(700);
      assert.equal(await replay.claim('s:request-state:short', 300), true);
    }, 10_000);

    suite.it('lets exactly one of concurrent claims win', async () => {
      const replay = await guard();
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => replay.claim('s:request-state:race', 60_000)));
      assert.equal(results.filter(Boolean).length, 1);
    });
  });
}
