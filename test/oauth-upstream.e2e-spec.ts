import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { McpOAuthUpstreamTokenStore, type McpOAuthUpstreamTokenStore as UpstreamTokens } from '@nestmcp/oauth';
import { freePort, startOAuthApp } from './fixtures/oauth/oauth-app.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { INITIALIZE, post } from './fixtures/auth/http.js';

/**
 * A real OpenID provider as the upstream identity provider: oidc-provider on 127.0.0.1 with its development login
 * (any user name and password), one confidential client for the MCP app, found by discovery.
 */
async function startUpstream(redirectUri: string): Promise<{ server: Server; issuer: string }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'nestmcp-app', client_secret: 'upstream-secret', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }],
    features: { devInteractions: { enabled: true } },
    claims: { openid: ['sub'], email: ['email'] },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, email: `${sub}@corp.example` }) }),
    pkce: { required: () => true },
  });
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, issuer };
}

describe('@nestmcp/oauth: login through an upstream OpenID provider (the OAuth proxy shape)', () => {
  let app: INestApplication;
  let base: string;
  let url: (path?: string) => URL;
  let upstream: { server: Server; issuer: string };

  beforeAll(async () => {
    const port = await freePort();
    upstream = await startUpstream(`http://127.0.0.1:${port}/oauth/upstream/callback`);
    ({ app, base, url } = await startOAuthApp(
      {
        login: undefined,
        upstream: {
          name: 'corp',
          issuer: upstream.issuer,
          clientId: 'nestmcp-app',
          clientSecret: 'upstream-secret',
          allowHttpForDevelopment: true,
          subject: (identity) => `corp:${identity.sub}`,
        },
      },
      port,
    ));
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  it('sends the user upstream, names them by the upstream subject, and keeps the upstream tokens server-side', async () => {
    const provider = new TestOAuthClientProvider({ username: 'carol', password: 'anything' });
    expect(await auth(provider, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: url(), authorizationCode: await provider.code(base) })).toBe('AUTHORIZED');
    const { pages } = await provider.login!;
    expect(pages).toEqual(['upstream login', 'upstream consent', 'consent']);

    // The MCP client holds this server's tokens only: for the MCP server, naming the upstream subject.
    const claims = JSON.parse(Buffer.from(provider.saved!.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: base, sub: 'corp:carol', aud: url().href });
    expect(Object.keys(provider.saved!).sort()).toEqual(['access_token', 'expires_in', 'issuer', 'refresh_token', 'scope', 'token_type']);
    expect((await post(url(), INITIALIZE, { authorization: `Bearer ${provider.saved!.access_token}` })).status).toBe(200);

    // The upstream's tokens stay with the app, under the provider's name and the user.
    const kept = await app.get<UpstreamTokens>(McpOAuthUpstreamTokenStore).find('corp', 'corp:carol');
    expect(kept).toMatchObject({ provider: 'corp', subject: 'corp:carol', accessToken: expect.any(String), idToken: expect.any(String) });
    expect(kept!.accessToken).not.toBe(provider.saved!.access_token);
    const upstreamUserinfo = await fetch(`${upstream.issuer}/me`, { headers: { authorization: `Bearer ${kept!.accessToken}` } });
    expect(upstreamUserinfo.status).toBe(200);
  });

  it('refuses a callback whose state it never issued', async () => {
    const response = await fetch(new URL('/oauth/upstream/callback?code=x&state=forged', base), { redirect: 'manual' });
    expect(response.status).toBe(400);
  });
});
