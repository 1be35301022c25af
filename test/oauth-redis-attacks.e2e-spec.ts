import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { McpRedisStores } from '@nestmcp/redis';
import { redisOAuthStores } from '@nestmcp/redis/oauth';
import { RedisTestServer } from './fixtures/redis/redis-server.js';
import { FrontProxy, startOAuthReplicaPair, type OAuthReplicaPair } from './fixtures/oauth/oauth-replicas.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { CookieJar, loginThroughForms } from './fixtures/oauth/form-login.js';
import { authorizationUrl, pkcePair, registerClient } from './fixtures/oauth/pkce.js';
import { INITIALIZE, post } from './fixtures/auth/http.js';

// Attacks on @nestmcp/redis/oauth: the authorization server's state on Redis, shared by two replicas behind a
// front the test steers, and the stores themselves on the same real redis-server.
const ALICE = { username: 'alice', password: 'alice' };

interface Tokens {
  access_token: string;
  refresh_token: string;
}

describe('attacks on @nestmcp/redis/oauth', () => {
  let pair: OAuthReplicaPair;
  let redis: RedisTestServer;
  let front: FrontProxy;
  let keyPrefix: string;
  const opened: McpRedisStores[] = [];
  const secure = () => new URL('/secure/mcp', front.base);

  beforeAll(async () => {
    pair = await startOAuthReplicaPair('oauth-attacks');
    ({ redis, front, keyPrefix } = pair);
  });

  afterAll(async () => {
    await Promise.all(opened.map((stores) => stores.close()));
    await pair?.close();
  });

  /** The stores on the same Redis under a prefix of their own. */
  async function stores() {
    const connection = new McpRedisStores({ url: redis.url, keyPrefix: `direct${randomUUID().slice(0, 8)}:` });
    opened.push(connection);
    expect(await connection.whenReady()).toBe(true);
    return redisOAuthStores(connection);
  }

  /** Registers (dynamic registration), logs in and trades the code, all on replica `on`. */
  async function authorized(on: string): Promise<{ provider: TestOAuthClientProvider; tokens: Tokens; clientId: string }> {
    const provider = new TestOAuthClientProvider(ALICE);
    front.route = on;
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read', authorizationCode: await provider.code(front.base) })).toBe('AUTHORIZED');
    return { provider, tokens: provider.saved as Tokens, clientId: provider.information!.client_id };
  }

  async function refresh(on: string, refreshToken: string, clientId: string): Promise<Response> {
    front.route = on;
    return fetch(new URL('/oauth/token', front.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
    });
  }

  /** Waits until both replicas reach Redis again (a registration answers 201 on each). */
  async function untilServing(): Promise<void> {
    for (const on of ['a', 'b']) {
      let status = 0;
      for (let i = 0; i < 200 && status !== 201; i++) {
        front.route = on;
        const response = await fetch(new URL('/oauth/register', front.base), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:33418/callback'], token_endpoint_auth_method: 'none' }),
        });
        status = response.status;
        await response.text();
        if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(201);
    }
  }

  async function mcpStatus(on: string, token: string): Promise<number> {
    front.route = on;
    const response = await post(secure(), INITIALIZE, { authorization: `Bearer ${token}` });
    await response.text();
    return response.status;
  }

  describe('keys made of what callers send', () => {
    it('keeps ids with the key separator, glob characters and percent-escapes apart, and one kind never reads as another', async () => {
      const { tokens, consents, clients } = await stores();
      const ids = ['a:b', 'a', 'b:c', '*', 'a*', '[ab]', '?', 'a%3Ab', 'a%253Ab', 'https://client.example/meta.json?x=1#y', ''];
      for (const id of ids) await tokens.save('RefreshToken', id, { grantId: `g:${id}`, uid: `u:${id}`, userCode: `c:${id}`, id }, 60);
      for (const id of ids) {
        expect((await tokens.find('RefreshToken', id))?.id).toBe(id);
        expect((await tokens.findByUid('RefreshToken', `u:${id}`))?.id).toBe(id);
        expect((await tokens.findByUserCode('RefreshToken', `c:${id}`))?.id).toBe(id);
        // The same id under another kind, and its uid / user code under another kind, are other records.
        expect(await tokens.find('AuthorizationCode', id)).toBeUndefined();
        expect(await tokens.find('RefreshToken:x', id)).toBeUndefined();
        expect(await tokens.findByUid('Session', `u:${id}`)).toBeUndefined();
      }
      // A kind ending with the separator does not reach into another kind's ids ("Refresh" + "Token:a" is not "RefreshToken" + "a").
      expect(await tokens.find('RefreshToken:', 'a')).toBeUndefined();
      expect(await tokens.find('Refresh', 'Token:a')).toBeUndefined();
      // Revoking the grant "g:*" (a glob) revokes that grant alone.
      await tokens.revokeGrant('g:*');
      expect(await tokens.find('RefreshToken', '*')).toBeUndefined();
      for (const id of ids.filter((one) => one !== '*')) expect((await tokens.find('RefreshToken', id))?.id).toBe(id);
      // Consuming one id never consumes its look-alikes.
      expect(await tokens.consume('RefreshToken', 'a:b')).toBe(true);
      expect((await tokens.find('RefreshToken', 'a'))?.consumed).toBeUndefined();
      expect((await tokens.find('RefreshToken', 'a%3Ab'))?.consumed).toBeUndefined();

      // Consents of one user are never read for another, whatever the names hold.
      await consents.save({ subject: 'a:b', clientId: 'c', resources: { r: ['s'] }, openIdScopes: [], grantedAt: 1 });
      expect(await consents.find('a', 'b:c')).toBeUndefined();
      expect(await consents.find('a:b:c', '')).toBeUndefined();
      expect(await consents.find('a%3Ab', 'c')).toBeUndefined();
      expect((await consents.find('a:b', 'c'))?.subject).toBe('a:b');

      // A client id that is a URL (a client ID metadata document) or looks like another key is its own registration.
      const cimd = 'https://client.example/oauth/meta.json';
      await clients.save({ client_id: cimd, client_name: 'cimd' });
      await clients.save({ client_id: 'consent:a:b:c', client_name: 'looks like a consent key' });
      expect((await clients.find(cimd))?.client_name).toBe('cimd');
      expect((await consents.find('a:b', 'c'))?.subject).toBe('a:b');
      expect(await clients.find('https://client.example/oauth')).toBeUndefined();
      expect(redis.keys('direct*').every((key) => /^direct[^:]+:oauth:(record|uid|user-code|grant|consent|client):/.test(key))).toBe(true);
    });

    it('stores a big record (1 MB) and TTLs of 0, negative, fractional, past setTimeout range and centuries', async () => {
      const { tokens, upstreamTokens } = await stores();
      const big = 'x'.repeat(1024 * 1024);
      await tokens.save('Interaction', 'big', { big }, 60);
      expect((await tokens.find('Interaction', 'big'))?.big).toBe(big);
      for (const [id, ttl] of [['zero', 0], ['negative', -5], ['fraction', 0.0001]] as const) {
        await tokens.save('Session', id, { uid: `u-${id}` }, ttl);
      }
      // Gone at once (at most a millisecond later), as the in-memory store has them: no record lives on forever.
      for (const id of ['zero', 'negative', 'fraction']) expect(redis.pttl(`${redis.keys(`*record:Session:${id}`)[0] ?? 'none'}`)).toBeLessThanOrEqual(1);
      for (const ttl of [2 ** 31 / 1000 + 1, 3.2e9, 1e12, 1e15, Number.MAX_SAFE_INTEGER, Infinity]) {
        await tokens.save('Session', `long-${ttl}`, { uid: `u-long-${ttl}`, grantId: `g-${ttl}` }, ttl);
        expect(await tokens.find('Session', `long-${ttl}`)).toEqual({ uid: `u-long-${ttl}`, grantId: `g-${ttl}` });
        await upstreamTokens.save({ provider: 'p', subject: `s-${ttl}`, accessToken: 't' }, ttl);
        expect((await upstreamTokens.find('p', `s-${ttl}`))?.accessToken).toBe('t');
      }
    });
  });

  it('lets at most one of two trades of one code racing on the two replicas win; the loser ends the grant it gave', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    front.route = 'a';
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read' })).toBe('REDIRECT');
    const code = await provider.code(front.base);
    const clientId = provider.information!.client_id;
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: clientId,
      redirect_uri: String(provider.redirectUrl),
      code_verifier: provider.codeVerifier(),
      resource: secure().href,
    });
    front.route = 'alternate';
    const answers = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const response = await fetch(new URL('/oauth/token', front.base), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
        return { status: response.status, body: (await response.json()) as Partial<Tokens> & { error?: string } };
      }),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won.length).toBeLessThanOrEqual(1);
    for (const answer of answers.filter((one) => one.status !== 200)) expect(answer.body).toMatchObject({ error: 'invalid_grant' });
    // A code presented twice is a reuse: what the winner got is dead on both replicas.
    for (const { body: tokens } of won) {
      expect(await mcpStatus('a', tokens.access_token!)).toBe(401);
      expect(await mcpStatus('b', tokens.access_token!)).toBe(401);
      expect(await (await refresh('b', tokens.refresh_token!, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('revoking a refresh token ends its whole family on both replicas and leaves no key of the grant', async () => {
    const { tokens, clientId } = await authorized('a');
    const rotated = (await (await refresh('b', tokens.refresh_token, clientId)).json()) as Tokens;
    front.route = 'a';
    const revoked = await fetch(new URL('/oauth/revoke', front.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: rotated.refresh_token, token_type_hint: 'refresh_token', client_id: clientId }),
    });
    expect(revoked.status).toBe(200);
    for (const on of ['a', 'b']) {
      expect(await mcpStatus(on, rotated.access_token)).toBe(401);
      expect(await mcpStatus(on, tokens.access_token)).toBe(401);
      expect(await (await refresh(on, rotated.refresh_token, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
    }
    const { gid } = JSON.parse(Buffer.from(rotated.access_token.split('.')[1], 'base64url').toString()) as { gid: string };
    expect(redis.keys(`*oauth:*${encodeURIComponent(gid)}*`)).toEqual([]);
  });

  it('answers 503 (no hang, no 401) while Redis hangs, and serves again when it answers', async () => {
    const { tokens, clientId } = await authorized('a');
    redis.pause();
    try {
      for (const on of ['a', 'b']) {
        expect(await mcpStatus(on, tokens.access_token)).toBe(503);
        const refreshed = await refresh(on, tokens.refresh_token, clientId);
        expect(refreshed.status).toBe(503);
        expect(await refreshed.json()).toMatchObject({ error: 'temporarily_unavailable' });
      }
    } finally {
      redis.resume();
    }
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = await mcpStatus('b', tokens.access_token);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
    expect((await refresh('a', tokens.refresh_token, clientId)).status).toBe(200);
  });

  it('answers temporarily_unavailable, not server_error, when the consent store fails while the authorization looks for a remembered consent', async () => {
    const redirectUri = 'http://127.0.0.1:33418/callback';
    front.route = 'a';
    const clientId = await registerClient(front.base, redirectUri);
    // A value of the wrong type under alice's consent key for this client: every read of it fails (WRONGTYPE).
    const key = `${keyPrefix}oauth:consent:alice:${encodeURIComponent(clientId)}`;
    expect(spawnSync('redis-cli', ['-p', String(redis.port), 'hset', key, 'x', 'y']).stdout.toString().trim()).toBe('1');
    const url = authorizationUrl(front.base, { clientId, redirectUri, resource: secure().href, scope: 'notes:read', challenge: pkcePair().challenge });
    // The authorization endpoint answers through the redirect URI (RFC 6749 §4.1.2.1): an outage, to retry, not a server_error.
    const { callback } = await loginThroughForms(url, redirectUri, ALICE);
    expect(callback.searchParams.get('error')).toBe('temporarily_unavailable');
    spawnSync('redis-cli', ['-p', String(redis.port), 'del', key]);
  });

  // These stop Redis: last.
  it('answers 503 with Retry-After on the login page and its form while Redis is down, not 500', async () => {
    const redirectUri = 'http://127.0.0.1:33418/callback';
    front.route = 'a';
    const clientId = await registerClient(front.base, redirectUri);
    const jar = new CookieJar();
    let url = authorizationUrl(front.base, { clientId, redirectUri, resource: secure().href, scope: 'notes:read', challenge: pkcePair().challenge });
    for (let hop = 0; hop < 5 && !url.pathname.startsWith('/oauth/interaction/'); hop++) {
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
      jar.take(response, url);
      await response.text();
      url = new URL(response.headers.get('location')!, url);
    }
    expect(url.pathname).toMatch(/^\/oauth\/interaction\//);

    await redis.stop();
    try {
      for (const on of ['a', 'b']) {
        front.route = on;
        const page = await fetch(url, { headers: { cookie: jar.header(url) } });
        expect(page.status).toBe(503);
        expect(page.headers.get('retry-after')).toBe('5');
        expect(await page.text()).toMatch(/cannot reach its store/);
        const login = new URL(`${url.pathname}/login`, url);
        const form = await fetch(login, {
          method: 'POST',
          headers: { cookie: jar.header(login), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username: 'alice', password: 'alice', csrf: 'x' }),
        });
        expect(form.status).toBe(503);
        await form.text();
      }
    } finally {
      await redis.start();
      await untilServing();
    }
  });

  it('after Redis comes back without its data: tokens issued before are refused as such (401, invalid_grant), never a 500; the client can start over', async () => {
    const { tokens, clientId } = await authorized('a');
    await redis.stop();
    await redis.start();
    await untilServing();
    for (const on of ['a', 'b']) {
      expect(await mcpStatus(on, tokens.access_token)).toBe(401);
      const refreshed = await refresh(on, tokens.refresh_token, clientId);
      expect([400, 401]).toContain(refreshed.status);
      expect(((await refreshed.json()) as { error: string }).error).toMatch(/^invalid_(grant|client)$/);
    }
    // A fresh registration and sign-in work.
    const again = await authorized('b');
    expect(await mcpStatus('a', again.tokens.access_token)).toBe(200);
  });
});
