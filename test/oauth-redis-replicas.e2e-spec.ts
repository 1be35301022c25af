import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { RedisTestServer } from './fixtures/redis/redis-server.js';
import { FrontProxy, startOAuthReplicaPair, type OAuthReplicaPair } from './fixtures/oauth/oauth-replicas.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { INITIALIZE, post } from './fixtures/auth/http.js';

// Two replicas of one app (same issuer, signing keys and cookie keys, one Redis) behind a front the test steers:
// whichever replica a request of the flow lands on, it is one authorization server.
const ALICE = { username: 'alice', password: 'alice' };

interface Tokens {
  access_token: string;
  refresh_token: string;
}

function textOf(result: unknown): string {
  return ((result as { content: { text: string }[] }).content[0] ?? { text: '' }).text;
}

describe('@nestmcp/oauth on @nestmcp/redis: two replicas share one authorization server', () => {
  let pair: OAuthReplicaPair;
  let redis: RedisTestServer;
  let front: FrontProxy;
  const secure = () => new URL('/secure/mcp', front.base);

  beforeAll(async () => {
    pair = await startOAuthReplicaPair('oauth-replicas');
    ({ redis, front } = pair);
  });

  afterAll(() => pair?.close());

  /** A refresh at the token endpoint, on the replica `on`. */
  async function refresh(on: string, refreshToken: string, clientId: string): Promise<Response> {
    front.route = on;
    return fetch(new URL('/oauth/token', front.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
    });
  }

  /** tools/call read_notes with `token` on the MCP server of replica `on`. */
  async function readNotes(on: string, token: string): Promise<string> {
    front.route = on;
    const client = new Client({ name: 'replica-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(secure(), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      const whoami = JSON.parse(textOf(await client.callTool({ name: 'whoami' }))) as { subject: string };
      return `${whoami.subject}: ${textOf(await client.callTool({ name: 'read_notes' }))}`;
    } finally {
      await client.close();
    }
  }

  async function refused(on: string, token: string): Promise<number> {
    front.route = on;
    return (await post(secure(), INITIALIZE, { authorization: `Bearer ${token}` })).status;
  }

  it('registers and logs in on A, trades the code on B, refreshes on A; the old refresh token on B is refused and ends the family on both', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    front.route = 'a';
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read' })).toBe('REDIRECT');
    const code = await provider.code(front.base);
    expect(await provider.login).toMatchObject({ pages: ['login', 'consent'] });
    expect(front.replicasFor('/oauth/')).toEqual(['a']);
    const clientId = provider.information!.client_id;

    // The code, issued on A, is traded on B (the client registered on A is known there).
    front.route = 'b';
    const beforeExchange = front.served.length;
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read', authorizationCode: code })).toBe('AUTHORIZED');
    expect(front.replicasFor('/oauth/token', beforeExchange)).toEqual(['b']);
    const first = provider.saved as Tokens;
    expect(first).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
    // The token B issued works on the MCP servers of both replicas (same signing keys, grant looked up in Redis).
    expect(await readNotes('a', first.access_token)).toBe('alice: read ok');
    expect(await readNotes('b', first.access_token)).toBe('alice: read ok');

    // Refresh on A: rotation, and the new access token works on both.
    const response = await refresh('a', first.refresh_token, clientId);
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as Tokens;
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    expect(await readNotes('b', rotated.access_token)).toBe('alice: read ok');
    expect(await readNotes('a', rotated.access_token)).toBe('alice: read ok');

    // The old refresh token again, on B: reuse. Refused, and the whole family ends on both replicas.
    const reused = await refresh('b', first.refresh_token, clientId);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await (await refresh('a', rotated.refresh_token, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
    for (const on of ['a', 'b']) {
      expect(await refused(on, rotated.access_token)).toBe(401);
      expect(await refused(on, first.access_token)).toBe(401);
    }
  });

  it('keeps the browser logged in and its interaction alive when every request lands on the other replica', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    front.route = 'alternate';
    const from = front.served.length;
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read' })).toBe('REDIRECT');
    const code = await provider.code(front.base);
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read', authorizationCode: code })).toBe('AUTHORIZED');
    // Authorization, login page, login, consent page, consent, resume, token: both replicas took part.
    expect(front.replicasFor('/oauth/', from)).toEqual(['a', 'b']);
    expect(front.replicasFor('/oauth/interaction/', from)).toEqual(['a', 'b']);
    expect(await provider.login).toMatchObject({ pages: ['login', 'consent'] });

    // A second authorization of the same client in the same browser, alternating again: logged in (the session is
    // shared) and consent remembered (the consent store is shared): no page at all.
    provider.saved = undefined;
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read' })).toBe('REDIRECT');
    expect(await provider.login).toMatchObject({ pages: [] });
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read', authorizationCode: await provider.code(front.base) })).toBe('AUTHORIZED');
    expect(await readNotes('a', provider.saved!.access_token)).toBe('alice: read ok');
  });

  it('lets at most one of several refreshes racing with one refresh token on both replicas win, and then ends the family', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    front.route = 'a';
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read', authorizationCode: await provider.code(front.base) })).toBe('AUTHORIZED');
    const clientId = provider.information!.client_id;
    const stolen = (provider.saved as Tokens).refresh_token;

    front.route = 'alternate';
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stolen, client_id: clientId });
    const answers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const response = await fetch(new URL('/oauth/token', front.base), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
        return { status: response.status, body: (await response.json()) as Partial<Tokens> & { error?: string } };
      }),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won.length).toBeLessThanOrEqual(1);
    for (const answer of answers.filter((one) => one.status !== 200)) expect(answer.body.error).toBe('invalid_grant');
    // Two presentations of one refresh token are a reuse: whatever the winner got is dead too, on both replicas.
    for (const { body: tokens } of won) {
      expect(await (await refresh('b', tokens.refresh_token!, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
      expect(await refused('a', tokens.access_token!)).toBe(401);
      expect(await refused('b', tokens.access_token!)).toBe(401);
    }
    expect(await refused('b', provider.saved!.access_token)).toBe(401);
  });

  // Last: it stops Redis.
  it('answers 503 temporarily_unavailable with Retry-After while Redis is down (never a hang, a 500 or a crash), and serves again when it is back', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    front.route = 'a';
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: secure(), scope: 'notes:read', authorizationCode: await provider.code(front.base) })).toBe('AUTHORIZED');
    const register = () =>
      fetch(new URL('/oauth/register', front.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:33418/callback'], token_endpoint_auth_method: 'none' }),
      });

    await redis.stop();
    for (const on of ['a', 'b']) {
      const answers = [await refresh(on, (provider.saved as Tokens).refresh_token, provider.information!.client_id), (front.route = on, await register())];
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('5');
        expect(await answer.json()).toMatchObject({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/cannot reach its store/) });
      }
    }

    // The MCP servers check the token's grant in the store: a 503 too, not a 401 that would make the client drop a good token.
    for (const on of ['a', 'b']) {
      front.route = on;
      const mcp = await post(secure(), INITIALIZE, { authorization: `Bearer ${(provider.saved as Tokens).access_token}` });
      expect(mcp.status).toBe(503);
      expect(await mcp.json()).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/cannot reach its store/) } });
    }

    await redis.start();
    let status = 0;
    for (let i = 0; i < 200 && status !== 201; i++) {
      status = (await register()).status;
      if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(201);
  });
});
