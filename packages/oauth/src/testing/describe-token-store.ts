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
      assert.equal(await tokens.consume('RefreshToken', 'r1'), true);
      const consumed = await tokens.find('RefreshToken', 'r1');
      assert.equal(consumed?.accountId, 'alice');
      assert.equal(typeof consumed?.consumed, 'number');
      assert.ok((consumed!.consumed as number) >= before);
    });

    suite.it('consumes a record once: a second consume gets false and leaves the first mark, and so does a missing record', async () => {
      const tokens = await store();
      await tokens.save('AuthorizationCode', 'a1', { grantId: 'g1' }, 60);
      assert.equal(await tokens.consume('AuthorizationCode', 'a1'), true);
      const first = (await tokens.find('AuthorizationCode', 'a1'))?.consumed;
      assert.equal(await tokens.consume('AuthorizationCode', 'a1'), false);
      assert.equal((await tokens.find('AuthorizationCode', 'a1'))?.consumed, first);
      assert.equal(await tokens.consume('AuthorizationCode', 'missing'), false);
      assert.equal(await tokens.find('AuthorizationCode', 'missing'), undefined);
    });

    suite.it('lets exactly one of many consumes at once win (two replicas racing with one refresh token)', async () => {
      const tokens = await store();
      await tokens.save('RefreshToken', 'r1', { grantId: 'g1' }, 60);
      const results = await Promise.all(Array.from({ length: 8 }, () => tokens.consume('RefreshToken', 'r1')));
      assert.equal(results.filter(Boolean).length, 1);
    });

    suite.it('keeps the TTL of a record it consumes', async () => {
      const tokens = await store();
      await tokens.save('RefreshToken', 'r1', { grantId: 'g1' }, 1);
      assert.equal(await tokens.consume('RefreshToken', 'r1'), true);
      await sleep(1500);
      assert.equal(await tokens.find('RefreshToken', 'r1'), undefined);
    }, 10_000);

    suite.it('keeps a record saved without a TTL', async () => {
      const tokens = await store();
      await tokens.save('RegistrationAccessToken', 't1', { clientId: 'c1' });
      await sleep(50);
      assert.equal((await tokens.find('RegistrationAccessToken', 't1'))?.clientId, 'c1');
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

    suite.it('revokes every record of a grant however long each lives, and a later grant of the same id starts empty', async () => {
      const tokens = await store();
      await tokens.save('AuthorizationCode', 'a1', { grantId: 'g1' }, 1);
      await tokens.save('RefreshToken', 'r1', { grantId: 'g1' }, 600);
      await tokens.save('RegistrationAccessToken', 'x1', { grantId: 'g1' });
      await tokens.revokeGrant('g1');
      assert.equal(await tokens.find('RefreshToken', 'r1'), undefined);
      assert.equal(await tokens.find('RegistrationAccessToken', 'x1'), undefined);
      await tokens.save('RefreshToken', 'r2', { grantId: 'g1' }, 60);
      await tokens.revokeGrant('g1');
      assert.equal(await tokens.find('RefreshToken', 'r2'), undefined);
    });

    suite.it('forgets a deleted record by uid too, and keeps kinds and ids apart even when their names run together', async () => {
      const tokens = await store();
      await tokens.save('Session', 's1', { uid: 'u1' }, 60);
      await tokens.delete('Session', 's1');
      assert.equal(await tokens.findByUid('Session', 'u1'), undefined);
      await tokens.save('a:b', 'c', { n: 1 }, 60);
      assert.equal(await tokens.find('a', 'b:c'), undefined);
    });

    suite.it('replaces a record saved again under the same id', async () => {
      const tokens = await store();
      await tokens.save('Grant', 'g1', { accountId: 'alice', scope: 'a' }, 60);
      await tokens.save('Grant', 'g1', { accountId: 'alice', scope: 'a b' }, 60);
      assert.equal((await tokens.find('Grant', 'g1'))?.scope, 'a b');
    });
  });
}
