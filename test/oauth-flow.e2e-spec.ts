import type { INestApplication } from '@nestjs/common';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startOAuthApp } from './fixtures/oauth/oauth-app.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { INITIALIZE, post, rpc } from './fixtures/auth/http.js';

const ALICE = { username: 'alice', password: 'alice' };

async function connect(url: URL, provider: TestOAuthClientProvider): Promise<Client> {
  const client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return client;
}

function textOf(result: unknown): string {
  return ((result as { content: { text: string }[] }).content[0] ?? { text: '' }).text;
}

/** Runs the SDK's auth() flow through the login and consent pages: the first call redirects, the second trades the code. */
async function authorize(provider: TestOAuthClientProvider, serverUrl: URL, issuer: string, scope?: string): Promise<void> {
  expect(await auth(provider, { serverUrl, scope })).toBe('REDIRECT');
  expect(await auth(provider, { serverUrl, scope, authorizationCode: await provider.code(issuer) })).toBe('AUTHORIZED');
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

describe('@nestmcp/oauth: the SDK client through the whole flow, with dynamic client registration', () => {
  let app: INestApplication;
  let base: string;
  let url: (path?: string) => URL;

  /** A refresh at the token endpoint, as a client does it. */
  const refresh = (refreshToken: string, clientId: string) =>
    fetch(new URL('/oauth/token', base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
    });

  beforeAll(async () => {
    ({ app, base, url } = await startOAuthApp());
  });
  afterAll(() => app.close());

  it('is named by the protected resource metadata of both MCP servers, and describes itself (RFC 8414)', async () => {
    for (const path of ['/secure/mcp', '/mcp']) {
      const resource = await (await fetch(url(`/.well-known/oauth-protected-resource${path}`))).json();
      expect(resource).toMatchObject({ resource: url(path).href, authorization_servers: [base] });
    }
    const response = await fetch(url('/.well-known/oauth-authorization-server'));
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, string[] & string>;
    expect(metadata).toMatchObject({
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      registration_endpoint: `${base}/oauth/register`,
      revocation_endpoint: `${base}/oauth/revoke`,
      jwks_uri: `${base}/oauth/jwks`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
      scopes_supported: expect.arrayContaining(['notes:read', 'notes:write']),
    });
    expect([...metadata.grant_types_supported].sort()).toEqual(['authorization_code', 'refresh_token']);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
    expect(await (await fetch(url('/.well-known/openid-configuration'))).json()).toMatchObject({ issuer: base, registration_endpoint: metadata.registration_endpoint });
    const jwks = (await (await fetch(metadata.jwks_uri)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', alg: 'ES256', use: 'sig', kid: expect.any(String) })]);
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('registers, logs in, consents, calls tools; refreshes; steps up to a new scope; and revokes', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    await authorize(provider, url(), base, 'notes:read');
    const clientId = provider.information!.client_id;
    expect(await provider.login).toMatchObject({ pages: ['login', 'consent'] });
    expect(provider.authorizationUrls[0].searchParams.get('resource')).toBe(url().href);
    expect(provider.saved).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i), refresh_token: expect.any(String), scope: 'notes:read' });

    const client = await connect(url(), provider);
    expect(textOf(await client.callTool({ name: 'read_notes' }))).toBe('read ok');
    expect(JSON.parse(textOf(await client.callTool({ name: 'whoami' })))).toEqual({
      subject: 'alice',
      scopes: ['notes:read'],
      clientId,
      audience: url().href,
    });

    // Refresh: a new access token and a new refresh token (rotation).
    const first = provider.saved!;
    provider.saved = { ...first, access_token: 'expired-in-the-client' };
    expect(await auth(provider, { serverUrl: url() })).toBe('AUTHORIZED');
    expect(provider.saved.refresh_token).not.toBe(first.refresh_token);
    expect(provider.saved.access_token).not.toBe(first.access_token);
    const refreshed = await connect(url(), provider);
    expect(textOf(await refreshed.callTool({ name: 'read_notes' }))).toBe('read ok');
    await refreshed.close();

    // Step-up: write_note needs notes:write; the refusal names it; the client re-authorizes and the new token works.
    const refused = await post(url(), rpc('tools/call', { name: 'write_note', arguments: {} }), {
      ...bearer(provider.saved.access_token),
      'mcp-session-id': (await post(url(), INITIALIZE, bearer(provider.saved.access_token))).headers.get('mcp-session-id')!,
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="notes:write"/);
    // (The SDK's auth() refreshes whenever it holds a refresh token, and a refresh cannot widen the scope: a client
    // stepping up drops its tokens first, as invalidateCredentials('tokens') does.)
    const beforeStepUp = provider.saved;
    provider.saved = undefined;
    await authorize(provider, url(), base, 'notes:read notes:write');
    expect(provider.saved!.refresh_token).not.toBe(beforeStepUp!.refresh_token);
    expect(await provider.login).toMatchObject({ pages: ['consent'] }); // logged in already; asked only for what is new
    expect(provider.saved!.scope!.split(' ').sort()).toEqual(['notes:read', 'notes:write']);
    const stepped = await connect(url(), provider);
    expect(textOf(await stepped.callTool({ name: 'write_note' }))).toBe('write ok');
    await stepped.close();

    // Revocation (RFC 7009) of the refresh token ends the grant: no refresh, and its access token is refused at once.
    const revoked = await fetch(new URL('/oauth/revoke', base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: provider.saved!.refresh_token!, token_type_hint: 'refresh_token', client_id: clientId }),
    });
    expect(revoked.status).toBe(200);
    expect(await (await refresh(provider.saved!.refresh_token!, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
    const after = await post(url(), INITIALIZE, bearer(provider.saved!.access_token));
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await client.close();
  });

  it('detects a reused refresh token and ends its whole family', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    await authorize(provider, url(), base, 'notes:read');
    const clientId = provider.information!.client_id;
    const stolen = provider.saved!.refresh_token!;
    const rotated = (await (await refresh(stolen, clientId)).json()) as { access_token: string; refresh_token: string };
    expect(rotated).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
    // The old one again: refused, and the grant is gone, so the rotated refresh token and its access token die too.
    expect(await (await refresh(stolen, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await (await refresh(rotated.refresh_token, clientId)).json()).toMatchObject({ error: 'invalid_grant' });
    expect((await post(url(), INITIALIZE, bearer(rotated.access_token))).status).toBe(401);
  });

  it('binds the token to the resource it was asked for: a token for /mcp is refused by /secure/mcp', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    await authorize(provider, url('/mcp'), base, 'notes:read');
    const token = provider.saved!.access_token;
    expect((await post(url('/mcp'), INITIALIZE, bearer(token))).status).toBe(200);
    const refused = await post(url('/secure/mcp'), INITIALIZE, bearer(token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('remembers consent per user and client: a new browser logs in and is not asked again', async () => {
    const first = new TestOAuthClientProvider(ALICE);
    await authorize(first, url(), base, 'notes:read');
    const again = new TestOAuthClientProvider(ALICE, first.redirectUrl, {}, first.information);
    await authorize(again, url(), base, 'notes:read');
    expect(await again.login).toMatchObject({ pages: ['login'] });
    // Another user of the same client is asked.
    const bob = new TestOAuthClientProvider({ username: 'bob', password: 'bob' }, first.redirectUrl, {}, first.information);
    await authorize(bob, url(), base, 'notes:read');
    expect(await bob.login).toMatchObject({ pages: ['login', 'consent'] });
  });

  it('matches a public client\'s loopback redirect URI on any port (RFC 8252), and other URIs exactly', async () => {
    const registered = new TestOAuthClientProvider(ALICE, 'http://127.0.0.1:33418/callback');
    await authorize(registered, url(), base, 'notes:read');
    const otherPort = new TestOAuthClientProvider(ALICE, 'http://127.0.0.1:47001/callback', {}, registered.information);
    await authorize(otherPort, url(), base, 'notes:read');
    expect(otherPort.saved?.access_token).toEqual(expect.any(String));
    const otherPath = new TestOAuthClientProvider(ALICE, 'http://127.0.0.1:47001/elsewhere', {}, registered.information);
    expect(await auth(otherPath, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    await expect(otherPath.login).rejects.toThrow(/HTTP 400/);
  });

  it('refuses an authorization request without PKCE, or with the plain method', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    await authorize(provider, url(), base, 'notes:read');
    const clientId = provider.information!.client_id;
    for (const pkce of [{}, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }] as Record<string, string>[]) {
      const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: provider.redirectUrl, scope: 'notes:read', resource: url().href, ...pkce });
      const response = await fetch(new URL(`/oauth/authorize?${query}`, base), { redirect: 'manual' });
      const location = new URL(response.headers.get('location')!);
      expect(location.href.startsWith(provider.redirectUrl)).toBe(true);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('iss')).toBe(base);
    }
  });

  it.each([
    ['Claude', ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback']],
    ['ChatGPT', ['https://chatgpt.com/connector_platform_oauth_redirect']],
    ['VS Code', ['http://127.0.0.1:33418', 'https://vscode.dev/redirect']],
    ['Cursor', ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback', 'http://localhost:8787/callback']],
  ])('accepts the registration %s sends (its redirect URIs, a public client)', async (name, redirectUris) => {
    const response = await fetch(new URL('/oauth/register', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: name, redirect_uris: redirectUris, grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'notes:read' }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ client_id: expect.any(String), redirect_uris: redirectUris, token_endpoint_auth_method: 'none' });
  });

  it('refuses a resource it does not serve', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    await authorize(provider, url(), base, 'notes:read');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: provider.information!.client_id,
      redirect_uri: provider.redirectUrl,
      scope: 'notes:read',
      resource: 'https://elsewhere.example/mcp',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const location = new URL((await fetch(new URL(`/oauth/authorize?${query}`, base), { redirect: 'manual' })).headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_target');
  });
});

describe('@nestmcp/oauth: dynamic client registration behind an initial access token, rate-limited', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await startOAuthApp({ registration: { initialAccessToken: 'initial-secret', rateLimit: { max: 2, windowMs: 60_000 } } }));
  });
  afterAll(() => app.close());

  const register = (headers: Record<string, string> = {}) =>
    fetch(new URL('/oauth/register', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:33418/callback'], token_endpoint_auth_method: 'none', client_name: 'x' }),
    });

  it('needs the initial access token, then counts registrations per address', async () => {
    const without = await register();
    expect(without.status).toBe(401);
    const registered = await register(bearer('initial-secret'));
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ client_id: expect.any(String), client_name: 'x' });
    const limited = await register(bearer('initial-secret'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ error: 'too_many_requests' });
  });
});
