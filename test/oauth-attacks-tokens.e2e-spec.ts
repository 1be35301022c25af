import type { INestApplication } from '@nestjs/common';
import { startOAuthApp } from './fixtures/oauth/oauth-app.js';
import { CookieJar, loginThroughForms } from './fixtures/oauth/form-login.js';
import { authorizationUrl, exchangeCode, pkcePair, registerClient } from './fixtures/oauth/pkce.js';
import { INITIALIZE, bearer, post } from './fixtures/auth/http.js';

const ALICE = { username: 'alice', password: 'alice' };
const REDIRECT = 'http://127.0.0.1:33418/callback';

/**
 * Adversarial review of the authorization server's token side, over real HTTP against a real app: PKCE downgrades,
 * authorization code replay and misuse, refresh token reuse and misuse, resource indicators (RFC 8707), redirect
 * URI tricks, revocation by another client, and dynamic registration's own limits. Every case here held (or holds
 * since its fix); they stay as regression tests of what holds.
 */
describe('@nestmcp/oauth under attack: codes, tokens, resources', () => {
  let app: INestApplication;
  let base: string;
  let url: (path?: string) => URL;
  let clientA: string;
  let clientB: string;

  beforeAll(async () => {
    ({ app, base, url } = await startOAuthApp());
    clientA = await registerClient(base, REDIRECT, 'Client A');
    clientB = await registerClient(base, REDIRECT, 'Client B');
  });
  afterAll(() => app.close());

  const token = (fields: Record<string, string>) =>
    fetch(new URL('/oauth/token', base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, string> }));

  /** Logs alice in through the pages (one browser per call) and returns the code and its verifier. */
  async function codeFor(clientId: string, input: { scope?: string; resource?: string; redirectUri?: string; jar?: CookieJar } = {}) {
    const { verifier, challenge } = pkcePair();
    const redirectUri = input.redirectUri ?? REDIRECT;
    const resource = input.resource ?? url().href;
    const { callback } = await loginThroughForms(authorizationUrl(base, { clientId, redirectUri, resource, scope: input.scope ?? 'notes:read', challenge }), redirectUri, {
      ...ALICE,
      jar: input.jar ?? new CookieJar(),
    });
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code: ${callback.href}`);
    return { code, verifier, resource, redirectUri };
  }

  async function tokensFor(clientId: string, input: { scope?: string; resource?: string } = {}) {
    const { code, verifier, resource } = await codeFor(clientId, input);
    const tokens = await exchangeCode(base, { clientId, redirectUri: REDIRECT, code, verifier, resource });
    expect(tokens.status).toBe(200);
    return tokens.body;
  }

  const refresh = (refreshToken: string, clientId: string, extra: Record<string, string> = {}) =>
    token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, ...extra });

  const initialize = (accessToken: string, path = '/secure/mcp') => post(url(path), INITIALIZE, bearer(accessToken)).then((response) => response.status);

  describe('PKCE', () => {
    it('refuses a code without its verifier, with a wrong verifier, or with the challenge sent as the verifier', async () => {
      const { code, verifier, resource } = await codeFor(clientA);
      const { challenge } = pkcePair();
      for (const attempt of [{}, { code_verifier: pkcePair().verifier }, { code_verifier: challenge }, { code_verifier: verifier.slice(1) }] as Record<string, string>[]) {
        const answer = await token({ grant_type: 'authorization_code', client_id: clientA, redirect_uri: REDIRECT, code, resource, ...attempt });
        expect(answer.status).toBe(400);
        expect(answer.body.error).toMatch(/^invalid_(grant|request)$/);
        expect(answer.body.access_token).toBeUndefined();
      }
    });

    it('refuses an authorization request with a challenge method other than S256, or a malformed challenge', async () => {
      for (const pkce of [{ code_challenge: 'a'.repeat(43) }, { code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' }, { code_challenge: 'short', code_challenge_method: 'S256' }] as Record<string, string>[]) {
        const query = new URLSearchParams({ response_type: 'code', client_id: clientA, redirect_uri: REDIRECT, scope: 'notes:read', resource: url().href, ...pkce });
        const location = new URL((await fetch(new URL(`/oauth/authorize?${query}`, base), { redirect: 'manual' })).headers.get('location')!);
        expect(location.searchParams.get('error')).toBe('invalid_request');
        expect(location.searchParams.get('code')).toBeNull();
      }
    });
  });

  describe('authorization codes', () => {
    it('accepts a code once; its replay fails and revokes the tokens issued from it', async () => {
      const { code, verifier, resource } = await codeFor(clientA);
      const first = await exchangeCode(base, { clientId: clientA, redirectUri: REDIRECT, code, verifier, resource });
      expect(first.status).toBe(200);
      expect(await initialize(first.body.access_token)).toBe(200);
      const replay = await exchangeCode(base, { clientId: clientA, redirectUri: REDIRECT, code, verifier, resource });
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');
      // RFC 6749 §4.1.2 / OAuth 2.1 §4.1.3: the grant is revoked: the first access and refresh tokens die too.
      expect(await initialize(first.body.access_token)).toBe(401);
      expect((await refresh(first.body.refresh_token, clientA)).body.error).toBe('invalid_grant');
    });

    it('refuses a code at another client, and with another redirect URI (even another loopback port)', async () => {
      const { code, verifier, resource } = await codeFor(clientA);
      expect((await exchangeCode(base, { clientId: clientB, redirectUri: REDIRECT, code, verifier, resource })).body.error).toBe('invalid_grant');
      for (const redirectUri of ['http://127.0.0.1:33419/callback', 'http://localhost:33418/callback', 'http://127.0.0.1:33418/callback/x']) {
        expect((await exchangeCode(base, { clientId: clientA, redirectUri, code, verifier, resource })).body.error).toMatch(/^invalid_(grant|request)$/);
      }
      // None of that burnt a token for anyone; the code was never redeemed, so the rightful client still can.
      expect((await exchangeCode(base, { clientId: clientA, redirectUri: REDIRECT, code, verifier, resource })).status).toBe(200);
    });

    it('refuses to trade a code for a resource it was not asked for', async () => {
      const { code, verifier } = await codeFor(clientA, { resource: url('/mcp').href });
      const answer = await exchangeCode(base, { clientId: clientA, redirectUri: REDIRECT, code, verifier, resource: url('/secure/mcp').href });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_target');
      // The code is spent by the refused attempt (oidc-provider consumes it first): a retry fails too, on the safe side.
      expect((await exchangeCode(base, { clientId: clientA, redirectUri: REDIRECT, code, verifier, resource: url('/mcp').href })).body.error).toBe('invalid_grant');
    });
  });

  describe('refresh tokens', () => {
    it('ends the family on reuse after several rotations: the newest refresh token and its access token die too', async () => {
      const issued = await tokensFor(clientA);
      const second = (await refresh(issued.refresh_token, clientA)).body;
      const third = (await refresh(second.refresh_token, clientA)).body;
      expect(third.refresh_token).toEqual(expect.any(String));
      expect(await initialize(third.access_token)).toBe(200);
      expect((await refresh(second.refresh_token, clientA)).body.error).toBe('invalid_grant');
      expect((await refresh(third.refresh_token, clientA)).body.error).toBe('invalid_grant');
      expect(await initialize(third.access_token)).toBe(401);
    });

    it('refuses a refresh by another client, and that does not burn the token', async () => {
      const issued = await tokensFor(clientA);
      expect((await refresh(issued.refresh_token, clientB)).body.error).toBe('invalid_grant');
      expect((await refresh(issued.refresh_token, clientA)).status).toBe(200);
    });

    it('refuses a wider scope, a scope the server does not have, and another resource, without burning the token', async () => {
      const issued = await tokensFor(clientA);
      expect((await refresh(issued.refresh_token, clientA, { scope: 'notes:read notes:write' })).body.error).toBe('invalid_scope');
      expect((await refresh(issued.refresh_token, clientA, { scope: 'admin' })).body.error).toBe('invalid_scope');
      expect((await refresh(issued.refresh_token, clientA, { resource: url('/mcp').href })).body.error).toBe('invalid_target');
      expect((await refresh(issued.refresh_token, clientA, { resource: 'https://elsewhere.example/mcp' })).body.error).toBe('invalid_target');
      // (oidc-provider rotated the token before it checked the resource: the client's next refresh was taken for
      // reuse, and the whole grant ended, for a refused request.)
      // The refreshed token keeps the audience and scope of the grant.
      const again = await refresh(issued.refresh_token, clientA);
      const claims = JSON.parse(Buffer.from(again.body.access_token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ aud: url().href, scope: 'notes:read', client_id: clientA });
    });
  });

  describe('resource indicators (RFC 8707)', () => {
    it('a token for /secure/mcp is refused by /mcp, and one for a path of the origin that serves nothing is refused by both', async () => {
      const secure = await tokensFor(clientA);
      expect(await initialize(secure.access_token, '/secure/mcp')).toBe(200);
      expect(await initialize(secure.access_token, '/mcp')).toBe(401);
      for (const resource of [url('/nothing/here').href, `${base}/`, url('/secure/mcp/').href, url('/secure/mcp?x=1').href]) {
        const other = await tokensFor(clientA, { resource });
        expect(await initialize(other.access_token, '/secure/mcp')).toBe(401);
        expect(await initialize(other.access_token, '/mcp')).toBe(401);
      }
    });

    it('refuses a foreign resource, one with a fragment, and a relative one', async () => {
      for (const resource of ['https://elsewhere.example/mcp', `${url().href}#x`, '/secure/mcp', `http://localhost:${new URL(base).port}/secure/mcp`]) {
        const { challenge } = pkcePair();
        const response = await fetch(authorizationUrl(base, { clientId: clientA, redirectUri: REDIRECT, resource, scope: 'notes:read', challenge }), { redirect: 'manual' });
        const location = new URL(response.headers.get('location')!);
        expect(location.searchParams.get('error')).toMatch(/^invalid_(target|request)$/);
      }
    });
  });

  describe('redirect URIs', () => {
    it.each([
      ['another loopback host (localhost for 127.0.0.1)', 'http://localhost:33418/callback'],
      ['another loopback host ([::1] for 127.0.0.1)', 'http://[::1]:33418/callback'],
      ['another path', 'http://127.0.0.1:33418/callback2'],
      ['a sub-path', 'http://127.0.0.1:33418/callback/x'],
      ['a query added', 'http://127.0.0.1:33418/callback?next=https://evil.example'],
      ['https instead of http', 'https://127.0.0.1:33418/callback'],
      ['user info', 'http://evil@127.0.0.1:33418/callback'],
      ['another host', 'https://evil.example/callback'],
    ])('refuses %s without redirecting there', async (_name, redirectUri) => {
      const { challenge } = pkcePair();
      const response = await fetch(authorizationUrl(base, { clientId: clientA, redirectUri, resource: url().href, scope: 'notes:read', challenge }), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('redirect_uri');
    });

    it('an unknown client, or none, gets a page, not a redirect to the URI it names', async () => {
      for (const clientId of ['no-such-client', '']) {
        const { challenge } = pkcePair();
        const response = await fetch(authorizationUrl(base, { clientId, redirectUri: 'https://evil.example/callback', resource: url().href, scope: 'notes:read', challenge }), { redirect: 'manual' });
        expect(response.status).toBe(400);
        expect(response.headers.get('location')).toBeNull();
      }
    });
  });

  describe('revocation (RFC 7009)', () => {
    it('another client cannot revoke a token; its owner can', async () => {
      const issued = await tokensFor(clientA);
      const revoke = (clientId: string) =>
        fetch(new URL('/oauth/revoke', base), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: issued.refresh_token, token_type_hint: 'refresh_token', client_id: clientId }),
        });
      // oidc-provider answers 200 without revoking (RFC 7009 §2.2 lets a server not tell): what matters is the token lives.
      expect((await revoke(clientB)).status).toBe(200);
      const after = await refresh(issued.refresh_token, clientA);
      expect(after.status).toBe(200);
      expect(await initialize(after.body.access_token)).toBe(200);
      issued.refresh_token = after.body.refresh_token;
      expect((await revoke(clientA)).status).toBe(200);
      expect((await refresh(issued.refresh_token, clientA)).body.error).toBe('invalid_grant');
      expect(await initialize(after.body.access_token)).toBe(401);
    });
  });
});

/** Adversarial review of dynamic client registration's limits: the rate limit and the initial access token. */
describe('@nestmcp/oauth under attack: dynamic client registration', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await startOAuthApp({ registration: { initialAccessToken: 'initial-secret', rateLimit: { max: 2, windowMs: 60_000 } } }));
  });
  afterAll(() => app.close());

  const register = (path: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: 'spray' }),
    });

  it('needs the initial access token on every spelling of the endpoint, and counts them all against one limit', async () => {
    expect((await register('/oauth/register', bearer('wrong'))).status).toBe(401);
    expect((await register('/oauth/Register/')).status).toBe(401);
    // The limit (2) is spent by now. oidc-provider's router also answers /oauth/Register and /oauth/register/, and
    // those were not counted: one more registration each, without end.
    for (const path of ['/oauth/register', '/oauth/Register', '/oauth/register/', '/oauth/REGISTER/']) {
      const limited = await register(path, bearer('initial-secret'));
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ error: 'too_many_requests' });
    }
  });
});
