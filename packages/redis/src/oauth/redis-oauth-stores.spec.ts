import { randomUUID } from 'node:crypto';
import {
  describeMcpOAuthClientStore,
  describeMcpOAuthConsentStore,
  describeMcpOAuthTokenStore,
  describeMcpOAuthUpstreamTokenStore,
} from '@nestmcp/oauth/testing';
import { redisStoresPerCase } from '../../../../test/fixtures/redis/per-case-stores.js';
import { redisOAuthStores } from './redis-oauth-stores.js';

// The Redis stores of @nestmcp/oauth pass the same cases as its in-memory defaults, on a real redis-server.
const { server: redisServer, stores: redisStores } = redisStoresPerCase();

/** Fresh OAuth stores per case, on stores with a key prefix of their own (or the one given). */
async function stores(keyPrefix?: string) {
  return redisOAuthStores(await redisStores(keyPrefix === undefined ? {} : { keyPrefix }));
}

describeMcpOAuthClientStore('RedisOAuthClientStore', async () => (await stores()).clients);
describeMcpOAuthTokenStore('RedisOAuthTokenStore', async () => (await stores()).tokens);
describeMcpOAuthConsentStore('RedisOAuthConsentStore', async () => (await stores()).consents);
describeMcpOAuthUpstreamTokenStore('RedisOAuthUpstreamTokenStore', async () => (await stores()).upstreamTokens);

describe('Redis keys of the OAuth stores', () => {
  it('are under the prefix, then oauth:; expiring records, their indexes and their grant set have TTLs; nothing is left after a revoke', async () => {
    const { clients, tokens, consents, upstreamTokens } = await stores('oauthkeys:');
    await clients.save({ client_id: 'c1' });
    await consents.save({ subject: 'alice', clientId: 'c1', resources: {}, openIdScopes: [], grantedAt: 1 });
    await upstreamTokens.save({ provider: 'github', subject: 'alice', accessToken: 'gho' }, 60);
    await tokens.save('Session', 's1', { uid: 'u1', accountId: 'alice' }, 600);
    await tokens.save('RefreshToken', 'r1', { grantId: 'g1' }, 120);
    await tokens.save('AuthorizationCode', 'a1', { grantId: 'g1' }, 60);
    expect(redisServer().keys('oauthkeys:*').sort()).toEqual([
      'oauthkeys:oauth:client:c1',
      'oauthkeys:oauth:consent:alice:c1',
      'oauthkeys:oauth:grant:g1',
      'oauthkeys:oauth:record:AuthorizationCode:a1',
      'oauthkeys:oauth:record:RefreshToken:r1',
      'oauthkeys:oauth:record:Session:s1',
      'oauthkeys:oauth:uid:Session:u1',
      'oauthkeys:oauth:upstream:github:alice',
    ]);
    // Registrations and consents last until deleted; everything else expires.
    expect(redisServer().pttl('oauthkeys:oauth:client:c1')).toBe(-1);
    expect(redisServer().pttl('oauthkeys:oauth:consent:alice:c1')).toBe(-1);
    for (const key of ['upstream:github:alice', 'record:Session:s1', 'uid:Session:u1', 'record:RefreshToken:r1', 'record:AuthorizationCode:a1']) {
      expect(redisServer().pttl(`oauthkeys:oauth:${key}`)).toBeGreaterThan(0);
    }
    // The grant's set lives as long as its longest-lived record.
    expect(redisServer().pttl('oauthkeys:oauth:grant:g1')).toBeGreaterThan(60_000);
    expect(redisServer().pttl('oauthkeys:oauth:grant:g1')).toBeLessThanOrEqual(120_000);
    // Consuming keeps the TTL.
    await tokens.consume('RefreshToken', 'r1');
    expect(redisServer().pttl('oauthkeys:oauth:record:RefreshToken:r1')).toBeGreaterThan(60_000);

    await tokens.revokeGrant('g1');
    await tokens.delete('Session', 's1');
    expect(redisServer().keys('oauthkeys:oauth:record:*')).toEqual([]);
    expect(redisServer().keys('oauthkeys:oauth:grant:*')).toEqual([]);
    expect(redisServer().keys('oauthkeys:oauth:uid:*')).toEqual([]);
  });

  it('are shared: what one replica saves and consumes, another sees', async () => {
    const prefix = `shared${randomUUID().slice(0, 8)}:`;
    const [a, b] = [await stores(prefix), await stores(prefix)];
    await a.tokens.save('RefreshToken', 'r1', { grantId: 'g1' }, 60);
    const results = await Promise.all([a.tokens.consume('RefreshToken', 'r1'), b.tokens.consume('RefreshToken', 'r1')]);
    expect(results.sort()).toEqual([false, true]);
    await b.tokens.revokeGrant('g1');
    expect(await a.tokens.find('RefreshToken', 'r1')).toBeUndefined();
  });
});
