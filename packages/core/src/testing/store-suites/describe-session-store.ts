import assert from 'node:assert/strict';
import type { McpSessionRecord, McpSessionStore } from '../../stores/mcp-session-store.js';
import { fresh, sleep, suite, type StoreFactory } from './test-globals.js';

const record = (id: string, changes: Partial<McpSessionRecord> = {}): McpSessionRecord => ({
  id,
  server: 'suite',
  transport: 'streamable-http',
  owner: '["https://issuer.test","alice"]',
  protocolVersion: '2025-11-25',
  clientInfo: { name: 'client', version: '1.0.0' },
  clientCapabilities: { elicitation: { form: {} }, roots: { listChanged: true } },
  subscriptions: [],
  createdAt: 1_700_000_000_000,
  lastSeen: 1_700_000_000_000,
  ...changes,
});

/**
 * The cases every `McpSessionStore` must pass: records round-trip as JSON, updates merge, the store owns
 * expiry, keys stay apart. `factory` gives a fresh, empty store per case. Waits of about a second test expiry.
 */
export function describeMcpSessionStore(name: string, factory: StoreFactory<McpSessionStore>): void {
  suite.describe(`McpSessionStore contract: ${name}`, () => {
    const store = fresh(factory);

    suite.it('keeps a record as JSON and gives it back', async () => {
      const sessions = await store();
      const original = record('s1', { logLevel: 'warning', subscriptions: ['notes://a'] });
      await sessions.set('k:s1', original, 60_000);
      const read = await sessions.get('k:s1');
      assert.deepEqual(read, JSON.parse(JSON.stringify(original)));
      assert.equal(await sessions.get('k:unknown'), undefined);
    });

    suite.it('merges updates, and refuses to update or touch a record that is gone', async () => {
      const sessions = await store();
      await sessions.set('k:s1', record('s1'), 60_000);
      assert.equal(await sessions.update('k:s1', { logLevel: 'error', subscriptions: ['a://1', 'a://2'] }, 60_000), true);
      assert.equal(await sessions.update('k:s1', { subscriptions: ['a://2'] }, 60_000), true);
      const read = await sessions.get('k:s1');
      assert.equal(read?.logLevel, 'error');
      assert.deepEqual(read?.subscriptions, ['a://2']);
      assert.equal(read?.owner, record('s1').owner);
      assert.equal(await sessions.update('k:gone', { logLevel: 'info' }, 60_000), false);
      assert.equal(await sessions.touch('k:gone', 60_000), false);
      assert.equal(await sessions.get('k:gone'), undefined);
    });

    suite.it('does not share the stored record with the caller', async () => {
      const sessions = await store();
      const subscriptions = ['a://1'];
      await sessions.set('k:s1', record('s1', { subscriptions }), 60_000);
      subscriptions.push('a://2');
      assert.deepEqual((await sessions.get('k:s1'))?.subscriptions, ['a://1']);
    });

    suite.it('deletes, and keeps keys apart', async () => {
      const sessions = await store();
      await sessions.set('a:s1', record('s1', { server: 'a' }), 60_000);
      await sessions.set('b:s1', record('s1', { server: 'b' }), 60_000);
      await sessions.delete('a:s1');
      assert.equal(await sessions.get('a:s1'), undefined);
      assert.equal((await sessions.get('b:s1'))?.server, 'b');
      await sessions.delete('a:never');
    });

    suite.it('owns expiry: a record not touched within its TTL is gone; touching renews it', async () => {
      const sessions = await store();
      await sessions.set('k:short', record('short'), 600);
      await sessions.set('k:kept', record('kept'), 600);
      await sessions.set('k:forever', record('forever'), 0);
      await sleep(350);
      assert.equal(await sessions.touch('k:kept', 600), true);
      await sleep(450);
      assert.equal(await sessions.get('k:short'), undefined);
      assert.equal((await sessions.get('k:kept'))?.id, 'kept');
      assert.equal((await sessions.get('k:forever'))?.id, 'forever');
      assert.ok(((await sessions.get('k:kept'))?.lastSeen ?? 0) > record('kept').lastSeen);
    }, 10_000);
  });
}
