import type { INestApplication } from '@nestjs/common';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startOAuthApp } from './fixtures/oauth/oauth-app.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { CookieJar, formOf } from './fixtures/oauth/form-login.js';

const ALICE = { username: 'alice', password: 'alice' };

/** The authorization server on the Fastify adapter: its routes hijack the requests before Fastify reads their body. */
describe('@nestmcp/oauth on Fastify', () => {
  let app: INestApplication;
  let base: string;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, base, url } = await startOAuthApp({}, undefined, { fastify: true }));
  });
  afterAll(() => app.close());

  it('runs the SDK client\'s flow: registration, login, consent, tools/call, refresh', async () => {
    const metadata = await (await fetch(url('/.well-known/oauth-authorization-server'))).json();
    expect(metadata).toMatchObject({ issuer: base, registration_endpoint: `${base}/oauth/register` });
    const provider = new TestOAuthClientProvider(ALICE);
    expect(await auth(provider, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: url(), authorizationCode: await provider.code(base) })).toBe('AUTHORIZED');
    const client = new Client({ name: 'fastify-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url(), { authProvider: provider }));
    expect((await client.callTool({ name: 'read_notes' })).content).toEqual([{ type: 'text', text: 'read ok' }]);
    await client.close();
    const before = provider.saved!.refresh_token;
    expect(await auth(provider, { serverUrl: url() })).toBe('AUTHORIZED');
    expect(provider.saved!.refresh_token).not.toBe(before);
  });

  it('reads registrations itself (a Cursor-style native client), and refuses a malformed one', async () => {
    const register = (body: string) => fetch(new URL('/oauth/register', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const cursor = await register(JSON.stringify({ redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback'], token_endpoint_auth_method: 'none' }));
    expect(cursor.status).toBe(201);
    expect(await cursor.json()).toMatchObject({ application_type: 'native' });
    const malformed = await register('{"redirect_uris": [');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a login form without its CSRF token', async () => {
    const provider = new TestOAuthClientProvider(ALICE);
    expect(await auth(provider, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    await provider.code(base);
    // A second authorization in a fresh browser: fetch its login page, then post the form with a forged token.
    const jar = new CookieJar();
    let page = provider.authorizationUrls[0];
    let response = await fetch(page, { redirect: 'manual' });
    while (response.status === 303 || response.status === 302) {
      jar.take(response, page);
      page = new URL(response.headers.get('location')!, page);
      response = await fetch(page, { redirect: 'manual', headers: { cookie: jar.header(page) } });
    }
    jar.take(response, page);
    const form = formOf(await response.text(), '/login')!;
    const post = (csrf: string) =>
      fetch(new URL(form.action, base), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(new URL(form.action, base)) },
        body: new URLSearchParams({ csrf, username: 'alice', password: 'alice' }),
      });
    expect((await post('forged')).status).toBe(403);
    expect((await post(form.fields.csrf)).status).toBe(303);
  });
});
