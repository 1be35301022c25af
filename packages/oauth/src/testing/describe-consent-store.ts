import assert from 'node:assert/strict';
import type { McpOAuthConsentStore } from '../stores/mcp-oauth-consent-store.js';
import { storeSuiteKit, type StoreFactory } from '@nestmcp/core/testing';

const { fresh, suite } = storeSuiteKit;

/** The cases every `McpOAuthConsentStore` must pass: one consent per user and client, replaced, deleted, apart. */
export function describeMcpOAuthConsentStore(name: string, factory: StoreFactory<McpOAuthConsentStore>): void {
  suite.describe(`McpOAuthConsentStore contract: ${name}`, () => {
    const store = fresh(factory);
    const consent = { subject: 'alice', clientId: 'c1', resources: { 'https://mcp.example/mcp': ['notes:read'] }, openIdScopes: [], grantedAt: 1 };

    suite.it('finds the consent of a user for a client, and only that one', async () => {
      const consents = await store();
      await consents.save(consent);
      assert.deepEqual(await consents.find('alice', 'c1'), consent);
      assert.equal(await consents.find('alice', 'c2'), undefined);
      assert.equal(await consents.find('bob', 'c1'), undefined);
    });

    suite.it('keeps user and client apart even when their names run together', async () => {
      const consents = await store();
      await consents.save({ ...consent, subject: 'a:b', clientId: 'c' });
      assert.equal(await consents.find('a', 'b:c'), undefined);
    });

    suite.it('replaces a consent granted again, and forgets a deleted one', async () => {
      const consents = await store();
      await consents.save(consent);
      await consents.save({ ...consent, resources: { 'https://mcp.example/mcp': ['notes:read', 'notes:write'] }, grantedAt: 2 });
      assert.deepEqual((await consents.find('alice', 'c1'))?.resources, { 'https://mcp.example/mcp': ['notes:read', 'notes:write'] });
      await consents.delete('alice', 'c1');
      assert.equal(await consents.find('alice', 'c1'), undefined);
    });
  });
}
