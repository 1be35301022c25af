import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AppModule } from '../sample/src/app.module.js';
import { freePort } from './fixtures/oauth/oauth-app.js';
import { TestOAuthClientProvider } from './fixtures/oauth/sdk-oauth-provider.js';
import { INITIALIZE, post } from './fixtures/auth/http.js';

const run = promisify(execFile);

/** Issue 15, point 5: the sample's protected server through its own authorization server, as a real client does it. */
describe('sample: OAuth login for /secure/mcp', () => {
  let app: INestApplication;
  let base: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    process.env.SAMPLE_PUBLIC_URL = base;
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
  });

  it('names its authorization server, which advertises revocation and the iss parameter', async () => {
    const resource = await (await fetch(`${base}/.well-known/oauth-protected-resource/secure/mcp`)).json();
    expect(resource).toMatchObject({ resource: `${base}/secure/mcp`, authorization_servers: [base] });
    const metadata = await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json();
    expect(metadata).toMatchObject({
      issuer: base,
      revocation_endpoint: `${base}/oauth/revoke`,
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
    });
  });

  it('logs alice in with the demo password and serves her tools; a token for /mcp is refused there', async () => {
    const provider = new TestOAuthClientProvider({ username: 'alice', password: 'alice' });
    const serverUrl = new URL('/secure/mcp', base);
    expect(await auth(provider, { serverUrl, scope: 'notes:read notes:write' })).toBe('REDIRECT');
    expect(await auth(provider, { serverUrl, authorizationCode: await provider.code(base) })).toBe('AUTHORIZED');
    expect(provider.saved?.refresh_token).toEqual(expect.any(String)); // without asking for offline_access
    const client = new Client({ name: 'sample-oauth-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(serverUrl, { authProvider: provider }));
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['add_note', 'list_notes', 'whoami']);
    const whoami = (await client.callTool({ name: 'whoami' })) as { content: { text: string }[] };
    expect(JSON.parse(whoami.content[0].text)).toMatchObject({ subject: 'alice', scopes: ['notes:read', 'notes:write'] });
    await client.close();

    const other = new TestOAuthClientProvider({ username: 'alice', password: 'alice' }, provider.redirectUrl, {}, provider.information);
    const openUrl = new URL('/mcp', base);
    expect(await auth(other, { serverUrl: openUrl, scope: 'notes:read' })).toBe('REDIRECT');
    expect(await auth(other, { serverUrl: openUrl, authorizationCode: await other.code(base) })).toBe('AUTHORIZED');
    expect((await post(new URL('/secure/mcp', base), INITIALIZE, { authorization: `Bearer ${other.saved!.access_token}` })).status).toBe(401);
  });

  it('refuses a wrong demo password on the login page', async () => {
    const provider = new TestOAuthClientProvider({ username: 'alice', password: 'wrong' });
    expect(await auth(provider, { serverUrl: new URL('/secure/mcp', base), scope: 'notes:read' })).toBe('REDIRECT');
    await expect(provider.login).rejects.toThrow(/HTTP 401.*Unknown user name or wrong password/s);
  });

  it('still takes a token from `npm run token`', async () => {
    const { stdout } = await run(process.execPath, ['sample/scripts/token.mjs', '--sub', 'alice', '--scope', 'notes:read'], {
      env: { ...process.env, SAMPLE_JWT_AUDIENCE: `${base}/secure/mcp` },
    });
    expect((await post(new URL('/secure/mcp', base), INITIALIZE, { authorization: `Bearer ${stdout.trim()}` })).status).toBe(200);
  });
});
