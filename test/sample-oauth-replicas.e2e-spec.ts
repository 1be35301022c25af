import { exportJWK, generateKeyPair } from 'jose';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { RedisTestServer } from './fixtures/redis/redis-server.js';
import { startSampleReplica, type SampleReplica } from './fixtures/redis/sample-replicas.js';
import { FrontProxy } from './fixtures/oauth/oauth-replicas.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { INITIALIZE, post } from './fixtures/auth/http.js';

// The built sample as two processes with REDIS_URL, SAMPLE_PUBLIC_URL (the front) and the shared OAuth keys, as the
// README says: a real OAuth client logs in through whichever replica its requests land on.
describe('the sample scaled out: one authorization server across its replicas', () => {
  let redis: RedisTestServer;
  let front: FrontProxy;
  let replicas: SampleReplica[] = [];

  beforeAll(async () => {
    redis = await RedisTestServer.start();
    front = await FrontProxy.start();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const env = {
      SAMPLE_PUBLIC_URL: front.base,
      SAMPLE_OAUTH_SIGNING_KEY: JSON.stringify({ ...(await exportJWK(privateKey)), alg: 'ES256' }),
      SAMPLE_OAUTH_COOKIE_KEYS: 'sample-cookie-key-one,sample-cookie-key-old',
    };
    replicas = await Promise.all(['a', 'b'].map((name) => startSampleReplica(name, redis.url, env)));
    for (const replica of replicas) front.add(replica.name, Number(new URL(replica.base).port));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.kill()));
    await front?.close();
    await redis?.close();
  });

  async function whoami(on: string, token: string): Promise<unknown> {
    front.route = on;
    const client = new Client({ name: 'sample-replicas', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/secure/mcp', front.base), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      return JSON.parse(((await client.callTool({ name: 'whoami' })) as { content: { text: string }[] }).content[0].text);
    } finally {
      await client.close();
    }
  }

  function refresh(on: string, refreshToken: string, clientId: string): Promise<Response> {
    front.route = on;
    return fetch(new URL('/oauth/token', front.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
    });
  }

  it('registers, logs in and trades the code across both; the token works on both; a reused refresh token ends the family on both', async () => {
    const provider = new TestOAuthClientProvider({ username: 'alice', password: 'alice' });
    const serverUrl = new URL('/secure/mcp', front.base);
    front.route = 'alternate';
    expect(await auth(provider, { serverUrl, scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl, authorizationCode: await provider.code(front.base) })).toBe('AUTHORIZED');
    expect(front.replicasFor('/oauth/interaction/')).toEqual(['a', 'b']);
    const clientId = provider.information!.client_id;
    const first = provider.saved!;
    for (const on of ['a', 'b']) expect(await whoami(on, first.access_token)).toMatchObject({ subject: 'alice', scopes: ['notes:read'] });

    const rotated = (await (await refresh('a', first.refresh_token!, clientId)).json()) as { access_token: string; refresh_token: string };
    expect(await whoami('b', rotated.access_token)).toMatchObject({ subject: 'alice' });
    expect(await (await refresh('b', first.refresh_token!, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await (await refresh('a', rotated.refresh_token, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
    for (const on of ['a', 'b']) {
      front.route = on;
      expect((await post(serverUrl, INITIALIZE, { authorization: `Bearer ${rotated.access_token}` })).status).toBe(401);
    }
    // The keys were given: no replica warns that it made its own.
    for (const replica of replicas) expect(replica.output()).not.toContain('made at start-up');
  });
});
