import assert from 'node:assert/strict';
import type { McpOAuthClientStore } from '../stores/mcp-oauth-client-store.js';
import { storeSuiteKit, type StoreFactory } from '@nestmcp/core/testing';

const { fresh, suite } = storeSuiteKit;

/** The cases every `McpOAuthClientStore` must pass: clients saved, found as JSON, replaced, deleted, kept apart. */
export function describeMcpOAuthClientStore(name: string, factory: StoreFactory<McpOAuthClientStore>): void {
  suite.describe(`McpOAuthClientStore contract: ${name}`, () => {
    const store = fresh(factory);

    suite.it('finds a saved client as the JSON it was', async () => {
      const clients = await store();
      const metadata = { client_id: 'c1', redirect_uris: ['http://127.0.0.1:33418/callback'], client_name: 'Cli', token_endpoint_auth_method: 'none' };
      await clients.save(metadata);
      assert.deepEqual(await clients.find('c1'), metadata);
      assert.equal(await clients.find('c2'), undefined);
    });

    suite.it('replaces a client saved again and forgets a deleted one', async () => {
      const clients = await store();
      await clients.save({ client_id: 'c1', client_name: 'old' });
      await clients.save({ client_id: 'c1', client_name: 'new' });
      assert.equal((await clients.find('c1'))?.client_name, 'new');
      await clients.delete('c1');
      assert.equal(await clients.find('c1'), undefined);
    });

    suite.it('gives copies: changing a found client changes nothing stored', async () => {
      const clients = await store();
      await clients.save({ client_id: 'c1', redirect_uris: ['https://a.example/cb'] });
      const found = await clients.find('c1');
      (found!.redirect_uris as string[]).push('https://evil.example/cb');
      assert.deepEqual((await clients.find('c1'))?.redirect_uris, ['https://a.example/cb']);
    });
  });
}
