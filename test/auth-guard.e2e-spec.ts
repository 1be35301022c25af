import type { INestApplication } from '@nestjs/common';
import { McpModule, StaticTokenVerifier } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { AdminProfileController, SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, signToken, unsignedToken } from './fixtures/auth/tokens.js';
import { INITIALIZE, bearer, message, post, rpc } from './fixtures/auth/http.js';

/**
 * Point 2 of issue 4: the guard on every MCP route, and on a user's route. Two servers with different auth in one
 * app: "secure" (HS256 JWT) at /mcp, "admin" (a StaticTokenVerifier, requiredScopes admin) at /admin/mcp.
 */
describe('McpAuthGuard (bearer tokens on MCP routes)', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  const admin = new StaticTokenVerifier({
    'admin-token': { subject: 'root', scopes: ['admin'], clientId: 'ops' },
    'weak-token': { subject: 'bob', scopes: ['notes:read'] },
    'old-token': { subject: 'carol', scopes: ['admin'], expiresAt: Math.floor(Date.now() / 1000) - 60 },
  });

  beforeAll(async () => {
    ({ app, url } = await startApp({
      imports: [
        McpModule.forRoot({
          name: 'secure',
          version: '1.0.0',
          auth: { jwt: { secret: 'test-secret-0123456789-0123456789', issuer: ISSUER, audience: AUDIENCE }, authorizationServers: [ISSUER] },
        }),
        McpModule.forRoot({
          name: 'admin',
          version: '1.0.0',
          transports: { streamableHttp: { path: '/admin/mcp' } },
          // A custom (async) verifier around the static one; 'boom' stands for an introspection endpoint that is down.
          auth: { verifier: { verify: async (token) => (token === 'boom' ? Promise.reject(new Error('introspection is down')) : admin.verify(token)) }, requiredScopes: ['admin'] },
        }),
      ],
      providers: [SecureTools],
      controllers: [AdminProfileController],
    }));
  });
  afterAll(() => app.close());

  /** `credentials`: the request tried a bearer token, so the challenge names the error (RFC 6750 §3.1). */
  async function expectUnauthorized(response: Response, description?: RegExp, credentials = true): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer /);
    if (credentials) expect(challenge).toContain('error="invalid_token"');
    else expect(challenge).not.toContain('error=');
    expect(challenge).toContain(`resource_metadata="${url('/.well-known/oauth-protected-resource/mcp').href}"`);
    const body = await message(response);
    expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    if (description) expect(body.error!.message).toMatch(description);
  }

  it('refuses a request without a token with 401, a challenge pointing to the metadata and a JSON-RPC body', async () => {
    await expectUnauthorized(await post(url(), INITIALIZE), /needs a bearer token/, false);
  });

  it('guards GET and DELETE too', async () => {
    await expectUnauthorized(await fetch(url(), { headers: { accept: 'text/event-stream', 'mcp-session-id': 'x' } }), undefined, false);
    await expectUnauthorized(await fetch(url(), { method: 'DELETE', headers: { 'mcp-session-id': 'x' } }), undefined, false);
  });

  it.each([
    ['a malformed bearer token', { authorization: 'Bearer not.a.jwt' }],
    ['another scheme', { authorization: 'Basic YWxpY2U6c2VjcmV0' }],
    ['an empty bearer token', { authorization: 'Bearer ' }],
  ])('refuses %s with 401', async (_case, headers) => {
    await expectUnauthorized(await post(url(), INITIALIZE, headers), undefined, !headers.authorization.startsWith('Basic'));
  });

  it('refuses an expired token', async () => {
    await expectUnauthorized(await post(url(), INITIALIZE, bearer(await signToken({ expiresIn: -60 }))), /expired/);
  });

  it('refuses a token that is not valid yet (nbf)', async () => {
    await expectUnauthorized(await post(url(), INITIALIZE, bearer(await signToken({ notBefore: 600 }))), /not valid yet/);
  });

  it('refuses a wrongly signed token', async () => {
    const forged = await signToken({ key: new TextEncoder().encode('another-secret-0123456789-01234567') });
    await expectUnauthorized(await post(url(), INITIALIZE, bearer(forged)), /invalid/);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    await expectUnauthorized(await post(url(), INITIALIZE, bearer(unsignedToken())));
  });

  it('refuses a token with a tampered payload', async () => {
    const [header, , signature] = (await signToken({ scope: 'notes:read' })).split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'alice', iss: ISSUER, aud: AUDIENCE, exp: 9999999999, scope: 'admin' })).toString('base64url');
    await expectUnauthorized(await post(url(), INITIALIZE, bearer(`${header}.${payload}.${signature}`)));
  });

  it('refuses a token from another issuer or for another audience', async () => {
    await expectUnauthorized(await post(url(), INITIALIZE, bearer(await signToken({ iss: 'https://evil.test' }))));
    await expectUnauthorized(await post(url(), INITIALIZE, bearer(await signToken({ aud: 'https://other.test/mcp' }))));
  });

  it('never accepts a token from the query string', async () => {
    const token = await signToken();
    const inQuery = url();
    inQuery.searchParams.set('access_token', token);
    await expectUnauthorized(await post(inQuery, INITIALIZE), undefined, false);
  });

  it('serves a valid token, and the SDK client connects with it', async () => {
    const response = await post(url(), INITIALIZE, bearer(await signToken()));
    expect(response.status).toBe(200);
    await response.text();

    const client = await createMcpClient(app, { headers: bearer(await signToken({ scope: 'notes:read' })) });
    expect((await client.callTool({ name: 'ping' })).content).toEqual([{ type: 'text', text: 'pong' }]);
    await client.close();
  });

  it('keeps the servers apart: each accepts only its own tokens', async () => {
    await expectAdminUnauthorized(await post(url('/admin/mcp'), INITIALIZE, bearer(await signToken({ scope: 'admin' }))));
    await expectUnauthorized(await post(url(), INITIALIZE, bearer('admin-token')));
    const client = await createMcpClient(app, { path: '/admin/mcp', headers: bearer('admin-token') });
    expect((await client.callTool({ name: 'ping' })).content).toEqual([{ type: 'text', text: 'pong' }]);
    await client.close();
  });

  async function expectAdminUnauthorized(response: Response): Promise<void> {
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain('scope="admin"');
    expect(challenge).toContain(`resource_metadata="${url('/.well-known/oauth-protected-resource/admin/mcp').href}"`);
    expect(await message(response)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
  }

  it('refuses a verifier token that is unknown or past its expiry', async () => {
    await expectAdminUnauthorized(await post(url('/admin/mcp'), INITIALIZE, bearer('nope')));
    await expectAdminUnauthorized(await post(url('/admin/mcp'), INITIALIZE, bearer('old-token')));
  });

  it('answers 503 with Retry-After (not 401, which makes clients drop the token) when the verifier cannot decide, without leaking its error', async () => {
    const response = await post(url('/admin/mcp'), INITIALIZE, bearer('boom'));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('www-authenticate')).toBeNull();
    const body = await message(response);
    expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect(body.error!.message).toContain('cannot be checked right now');
    expect(body.error!.message).not.toContain('introspection is down');
  });

  it('answers 403 insufficient_scope when a valid token lacks the server-wide required scope', async () => {
    const response = await post(url('/admin/mcp'), INITIALIZE, bearer('weak-token'));
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="admin"');
    expect(challenge).toContain('resource_metadata=');
    expect(await message(response)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringContaining('admin') } });
  });

  it('protects a user route with McpAuthGuard.forServer(), with the token on req.user', async () => {
    const refused = await fetch(url('/admin-api/profile'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer scope="admin", resource_metadata="/);
    const ok = await fetch(url('/admin-api/profile'), { headers: bearer('admin-token') });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: 'root', scopes: ['admin'] });
    const weak = await fetch(url('/admin-api/profile'), { headers: bearer('weak-token') });
    expect(weak.status).toBe(403);
    expect(weak.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('still answers JSON-RPC errors for a valid token and a bad request (auth first, then the transport)', async () => {
    const response = await post(url(), rpc('tools/list'), bearer(await signToken()));
    expect(response.status).toBe(400);
  });
});
