import assert from 'node:assert/strict';
import type { McpOAuthTokenStore } from '../stores/mcp-oauth-token-store.js';
import { storeSuiteKit, type StoreFactory } from '@nestmcp/core/testing';

const { fresh, sleep, suite } = storeSuiteKit;

/**
 * The cases every `McpOAuthTokenStore` must pass: records by kind and id, by uid and user code, expiry, consume
 * (a consumed record stays, marked, so reuse is seen), and revoking a grant (a refresh token family) deletes every
 * record of it, of any kind, and nothing else.
 */
export function describeMcpOAuthTokenStore(name: string, factory: StoreFactory<McpOAuthTokenStore>): void {
  suite.describe(`McpOAuthTokenStore contract: ${name}`, () => {
    const store = fresh(factory);

    suite.it('finds a record by kind and id, and keeps kinds apart', async () => {
      const tokens = await store();
      await tokens.save('AuthorizationCode', 'a1', { accountId: 'alice', scope: 'notes:read' }, 60);
      assert.deepEqual(await tokens.find('AuthorizationCode', 'a1'), { accountId: 'alice', scope: 'notes:read' });
      assert.equal(await tokens.find('RefreshToken', 'a1'), undefined);
      await tokens.delete('AuthorizationCode', 'a1');
      assert.equal(await tokens.find('AuthorizationCode', 'a1'), undefined);
    });

    suite.it('finds records by uid and by user code', async () => {
      const tokens = await store();
      await tokens.save('Session', 's1', { uid: 'u1', accountId: 'alice' }, 60);
      await tokens.save('DeviceCode', 'd1', { userCode: 'ABCD-EFGH' }, 60);
      assert.equal((await tokens.findByUid('Session', 'u1'))?.accountId, 'alice');
      assert.equal(await tokens.findByUid('Interaction', 'u1'), undefined);
      assert.deepEqual(await tokens.findByUserCode('DeviceCode', 'ABCD-EFGH'), { userCode: 'ABCD-EFGH' });
    });

    suite.it('forgets a record after its TTL', async () => {
      const tokens = await store();
      await tokens.save('AuthorizationCode', 'short', { accountId: 'alice' }, 1);
      await tokens.save('AuthorizationCode', 'long', { accountId: 'alice' }, 60);
      await sleep(1500);
      assert.equal(await tokens.find('AuthorizationCode', 'short'), undefined);
      assert.ok(await tokens.find('AuthorizationCode', 'long'));
    }, 10_000);

    suite.it('keeps a consumed record, marked with the time it was consumed', async () => {
      const tokens = await store();
      await tokens.save('RefreshToken', 'r1', { grantId: 'g1', accountId: 'alice' }, 60);
      const before = Math.floor(Date.now() / 1000);
      await tokens.consume('RefreshToken', 'r1');
      const consumed = await tokens.find('RefreshToken', 'r1');
      assert.equal(consumed?.accountId, 'alice');
      assert.equal(typeof consumed?.consumed, 'number');
      assert.ok((consumed!.consumed as number) >= before);
    });

    suite.it('revokes a grant: every record of it, of any kind, and only those', async () => {
      const tokens = await store();
      await tokens.save('RefreshToken', 'r1', { grantId: 'g1' }, 60);
      await tokens.save('RefreshToken', 'r2', { grantId: 'g1' }, 60);
      await tokens.save('AuthorizationCode', 'a1', { grantId: 'g1' }, 60);
      await tokens.save('RefreshToken', 'r3', { grantId: 'g2' }, 60);
      await tokens.revokeGrant('g1');
      for (const [kind, id] of [['RefreshToken', 'r1'], ['RefreshToken', 'r2'], ['AuthorizationCode', 'a1']]) assert.equal(await tokens.find(kind, id), undefined);
      assert.ok(await tokens.find('RefreshToken', 'r3'));
    });

    suite.it('replaces a record saved again under the same id', async () => {
      const tokens = await store();
      await tokens.save('Grant', 'g1', { accountId: 'alice', scope: 'a' }, 60);
      await tokens.save('Grant', 'g1', { accountId: 'alice', scope: 'a b' }, 60);
      assert.equal((await tokens.find('Grant', 'g1'))?.scope, 'a b');
    });
  });
}
