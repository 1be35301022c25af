import { errors } from 'oidc-provider';
import { InMemoryClientStore } from '../stores/in-memory-client-store.js';
import { InMemoryTokenStore } from '../stores/in-memory-token-store.js';
import { oidcStoreAdapter } from './oidc-store-adapter.js';

describe('oidc-provider adapter on the store seam: consume', () => {
  it('lets one consume win; the loser is reuse: the grant and every token of it are revoked, and it is refused with invalid_grant', async () => {
    const tokens = new InMemoryTokenStore();
    const adapter = oidcStoreAdapter({ clients: new InMemoryClientStore(), tokens });
    const refreshTokens = adapter('RefreshToken');
    await adapter('Grant').upsert('g1', { accountId: 'alice', clientId: 'c1' }, 600);
    await refreshTokens.upsert('r1', { grantId: 'g1', accountId: 'alice' }, 600);
    await refreshTokens.upsert('r2', { grantId: 'g1', accountId: 'alice' }, 600);

    // Two requests with r1 at once (two replicas): both found it unconsumed, both consume.
    const [first, second] = await Promise.allSettled([refreshTokens.consume('r1'), refreshTokens.consume('r1')]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    const refused = (second as PromiseRejectedResult).reason as InstanceType<typeof errors.InvalidGrant>;
    expect(refused).toBeInstanceOf(errors.InvalidGrant);
    expect(refused.error_detail).toMatch(/refresh token already used/);
    expect(await adapter('Grant').find('g1')).toBeUndefined();
    expect(await refreshTokens.find('r1')).toBeUndefined();
    expect(await refreshTokens.find('r2')).toBeUndefined();
  });

  it('refuses a code consumed already, or gone, with invalid_grant', async () => {
    const tokens = new InMemoryTokenStore();
    const codes = oidcStoreAdapter({ clients: new InMemoryClientStore(), tokens })('AuthorizationCode');
    await codes.upsert('a1', { grantId: 'g2' }, 60);
    await codes.consume('a1');
    await expect(codes.consume('a1')).rejects.toMatchObject({ error: 'invalid_grant', error_detail: expect.stringMatching(/authorization code already used/) });
    await expect(codes.consume('never-issued')).rejects.toBeInstanceOf(errors.InvalidGrant);
  });
});
