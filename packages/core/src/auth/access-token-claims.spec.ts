import { accessTokenFromClaims, principalOf } from './access-token-claims.js';
import { bearerTokenFrom } from './bearer-token.js';
import { StaticTokenVerifier } from './token-verifiers/static-token.verifier.js';

describe('access tokens', () => {
  it('maps JWT claims: scope or scp, client_id, azp or cid', () => {
    expect(accessTokenFromClaims('t', { scope: 'a  b', sub: 's', iss: 'i', exp: 5, aud: ['x'], client_id: 'c' })).toEqual({
      token: 't',
      claims: { scope: 'a  b', sub: 's', iss: 'i', exp: 5, aud: ['x'], client_id: 'c' },
      scopes: ['a', 'b'],
      clientId: 'c',
      subject: 's',
      issuer: 'i',
      expiresAt: 5,
      audience: ['x'],
    });
    expect(accessTokenFromClaims('t', { scp: ['r', 'w'], azp: 'spa' })).toMatchObject({ scopes: ['r', 'w'], clientId: 'spa' });
    expect(accessTokenFromClaims('t', {})).toMatchObject({ scopes: [], clientId: undefined, subject: undefined });
  });

  it('names principals by issuer + subject, else client, else a hash of the token', () => {
    const base = { token: 'secret-token', scopes: [], claims: {} };
    expect(principalOf({ ...base, issuer: 'i', subject: 's' })).not.toBe(principalOf({ ...base, issuer: 'j', subject: 's' }));
    expect(principalOf({ ...base, subject: 's' })).toBe(principalOf({ ...base, subject: 's', clientId: 'other' }));
    expect(principalOf({ ...base, clientId: 'c' })).not.toBe(principalOf({ ...base, subject: 'client:c' }));
    expect(principalOf(base)).not.toContain('secret-token');
  });

  it('reads the bearer token from the Authorization header only, scheme case-insensitive', () => {
    expect(bearerTokenFrom({ authorization: 'Bearer abc.def-ghi_jkl' })).toBe('abc.def-ghi_jkl');
    expect(bearerTokenFrom({ authorization: 'bearer abc' })).toBe('abc');
    expect(bearerTokenFrom({ authorization: 'Basic abc' })).toBeUndefined();
    expect(bearerTokenFrom({ authorization: 'Bearer a b' })).toBeUndefined();
    expect(bearerTokenFrom({})).toBeUndefined();
  });

  it('StaticTokenVerifier: known tokens only, not past their expiry', () => {
    const verifier = new StaticTokenVerifier({
      good: { subject: 'alice', scopes: ['x'] },
      old: { subject: 'bob', expiresAt: Math.floor(Date.now() / 1000) - 1 },
    });
    expect(verifier.verify('good')).toEqual({ token: 'good', subject: 'alice', scopes: ['x'], claims: {} });
    expect(verifier.verify('old')).toBeNull();
    expect(verifier.verify('nope')).toBeNull();
  });
});
