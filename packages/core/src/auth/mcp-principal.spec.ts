import { principalFromUser, principalKey } from './mcp-principal.js';

describe('the default principal mapping of req.user', () => {
  it.each([
    [{ scopes: ['a', 'b'] }, ['a', 'b']],
    [{ scopes: 'a b' }, ['a', 'b']],
    [{ scope: 'a  b' }, ['a', 'b']],
    [{ scp: ['r', 'w'] }, ['r', 'w']],
    [{ scp: 'r w' }, ['r', 'w']],
    [{ scopes: ['x'], scope: 'ignored' }, ['x']],
    [{}, []],
  ])('reads scopes from %p', (user, scopes) => {
    expect(principalFromUser(user)?.scopes).toEqual(scopes);
  });

  it('reads subject, issuer and client from the usual names', () => {
    expect(principalFromUser({ sub: 's', iss: 'i', azp: 'c' })).toEqual({ subject: 's', issuer: 'i', clientId: 'c', scopes: [] });
    expect(principalFromUser({ subject: 's', issuer: 'i', clientId: 'c', scopes: [] })).toMatchObject({ subject: 's', issuer: 'i', clientId: 'c' });
    expect(principalFromUser({ userId: 42, username: 'john' })).toMatchObject({ subject: '42' });
    expect(principalFromUser({ id: 'u1', client_id: 'app' })).toMatchObject({ subject: 'u1', clientId: 'app' });
    expect(principalFromUser({ username: 'alice', roles: ['x'] })).toMatchObject({ subject: 'alice' });
    expect(principalFromUser({ email: 'bob@example.com' })).toMatchObject({ subject: 'bob@example.com' });
  });

  it('takes a string or number as the subject, and finds nobody in anything else that is not an object', () => {
    expect(principalFromUser(undefined)).toBeUndefined();
    expect(principalFromUser(false)).toBeUndefined();
    expect(principalFromUser(true)).toBeUndefined();
    expect(principalFromUser('')).toBeUndefined();
    expect(principalFromUser('alice')).toEqual({ subject: 'alice', scopes: [] });
    expect(principalFromUser(42)).toEqual({ subject: '42', scopes: [] });
  });

  it('keys principals by issuer + subject, else client, else a hash of the credentials', () => {
    expect(principalKey({ subject: 's', issuer: 'i', scopes: [] }, 't')).not.toBe(principalKey({ subject: 's', issuer: 'j', scopes: [] }, 't'));
    expect(principalKey({ clientId: 'c', issuer: 'i', scopes: [] }, 't')).not.toBe(principalKey({ subject: 'client:c', issuer: 'i', scopes: [] }, 't'));
    expect(principalKey({ clientId: 'c', issuer: 'i', scopes: [] }, 't')).not.toBe(principalKey({ subject: 'c', issuer: 'i', scopes: [] }, 't'));
    expect(principalKey({ scopes: [] }, 'Bearer secret')).not.toContain('secret');
    expect(principalKey({ scopes: [] }, 'Bearer secret')).not.toBe(principalKey({ scopes: [] }, 'Bearer other'));
  });
});
