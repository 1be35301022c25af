import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { startOAuthApp } from './fixtures/oauth/oauth-app.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { INITIALIZE, post } from './fixtures/auth/http.js';

const ALICE = { username: 'alice', password: 'alice' };
const REDIRECT = 'http://127.0.0.1:33418/callback';

/** A client's own web server, serving its client ID metadata documents on 127.0.0.1. */
async function documentServer(): Promise<{ server: Server; base: string; fetches: Map<string, number> }> {
  const fetches = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    fetches.set(path, (fetches.get(path) ?? 0) + 1);
    const self = `${base}${path}`;
    const document = { client_id: self, client_name: 'CIMD e2e client', client_uri: 'https://client.example', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
    if (path === '/client.json') return void response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(JSON.stringify(document));
    if (path === '/mismatch.json') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...document, client_id: `${base}/other.json` }));
    if (path === '/redirect.json') return void response.writeHead(302, { location: `${base}/client.json` }).end();
    if (path === '/huge.json') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...document, padding: 'x'.repeat(10_000) }));
    if (path === '/secret.json') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...document, token_endpoint_auth_method: 'client_secret_post', client_secret: 's' }));
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { server, base, fetches };
}

describe('@nestmcp/oauth: client ID metadata documents (development option: loopback URLs)', () => {
  let app: INestApplication;
  let base: string;
  let url: (path?: string) => URL;
  let documents: Awaited<ReturnType<typeof documentServer>>;

  beforeAll(async () => {
    documents = await documentServer();
    ({ app, base, url } = await startOAuthApp());
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => documents.server.close(resolve));
  });

  /** The SDK client with a URL as its client id: no registration. */
  const cimdClient = (path: string) => new TestOAuthClientProvider(ALICE, REDIRECT, {}, { client_id: `${documents.base}${path}` });

  it('uses the document as the registration: its name on the consent page, its URL as the client id, fetched once (Cache-Control)', async () => {
    const provider = cimdClient('/client.json');
    expect(await auth(provider, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl: url(), authorizationCode: await provider.code(base) })).toBe('AUTHORIZED');
    const { html } = await provider.login!;
    expect(html[1]).toContain('CIMD e2e client');
    expect(html[1]).toContain('https://client.example');
    expect(html[1]).toContain(url().href);
    const claims = JSON.parse(Buffer.from(provider.saved!.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ client_id: `${documents.base}/client.json`, aud: url().href, sub: 'alice', iss: base });
    expect((await post(url(), INITIALIZE, { authorization: `Bearer ${provider.saved!.access_token}` })).status).toBe(200);

    const again = cimdClient('/client.json');
    expect(await auth(again, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    await again.code(base);
    expect(documents.fetches.get('/client.json')).toBe(1);
  });

  it.each([
    ['/mismatch.json', 'whose client_id is not its URL'],
    ['/redirect.json', 'that redirects'],
    ['/huge.json', 'larger than 5 KiB'],
    ['/secret.json', 'with a shared secret'],
    ['/missing.json', 'that is not there'],
  ])('refuses a document %s (%s)', async (path) => {
    const provider = cimdClient(path);
    expect(await auth(provider, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    await expect(provider.login).rejects.toThrow(/HTTP 400[\s\S]*invalid_client/);
    expect(documents.fetches.get('/client.json') ?? 0).toBeLessThanOrEqual(1); // the redirect was not followed
  });
});

describe('@nestmcp/oauth: client ID metadata documents without the development option', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  let documents: Awaited<ReturnType<typeof documentServer>>;

  beforeAll(async () => {
    documents = await documentServer();
    ({ app, url } = await startOAuthApp({ clientIdMetadataDocuments: {} }));
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => documents.server.close(resolve));
  });

  it('never fetches an http loopback client id', async () => {
    const metadata = await (await fetch(url('/.well-known/oauth-authorization-server'))).json();
    expect(metadata).toMatchObject({ client_id_metadata_document_supported: true }); // https ones, by oidc-provider
    const provider = new TestOAuthClientProvider(ALICE, REDIRECT, {}, { client_id: `${documents.base}/client.json` });
    expect(await auth(provider, { serverUrl: url(), scope: 'notes:read' })).toBe('REDIRECT');
    await expect(provider.login).rejects.toThrow(/HTTP 400[\s\S]*invalid_client/);
    expect(documents.fetches.size).toBe(0);
  });
});
