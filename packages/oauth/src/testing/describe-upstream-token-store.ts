import assert from 'node:assert/strict';
import type { McpOAuthUpstreamTokenStore } from '../stores/mcp-oauth-upstream-token-store.js';
import { storeSuiteKit, type StoreFactory } from '@nestmcp/core/testing';

const { fresh, sleep, suite } = storeSuiteKit;

/** The cases every `McpOAuthUpstreamTokenStore` must pass: tokens per provider and user, replaced, expired, deleted. */
export function describeMcpOAuthUpstreamTokenStore(name: string, factory: StoreFactory<McpOAuthUpstreamTokenStore>): void {
  suite.describe(`McpOAuthUpstreamTokenStore contract: ${name}`, () => {
    const store = fresh(factory);
    const tokens = { provider: 'github', subject: 'alice', accessToken: 'gho_1', scope: 'read:user' };

    suite.it('finds the tokens of a user at a provider, and only those', async () => {
      const upstream = await store();
      await upstream.save(tokens, 60);
      assert.deepEqual(await upstream.find('github', 'alice'), tokens);
      assert.equal(await upstream.find('corp', 'alice'), undefined);
      assert.equal(await upstream.find('github', 'bob'), undefined);
    });

    suite.it('replaces tokens saved again, and forgets deleted ones', async () => {
      const upstream = await store();
      await upstream.save(tokens, 60);
      await upstream.save({ ...tokens, accessToken: 'gho_2' }, 60);
      assert.equal((await upstream.find('github', 'alice'))?.accessToken, 'gho_2');
      await upstream.delete('github', 'alice');
      assert.equal(await upstream.find('github', 'alice'), undefined);
    });

    suite.it('forgets tokens after their TTL', async () => {
      const upstream = await store();
      await upstream.save(tokens, 1);
      await sleep(1500);
      assert.equal(await upstream.find('github', 'alice'), undefined);
    }, 10_000);
  });
}
