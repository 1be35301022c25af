import type { INestApplication } from '@nestjs/common';
import { McpModule } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { PublicTools, SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, SECRET, signToken } from './fixtures/auth/tokens.js';
import { INITIALIZE, bearer, message, openSession, post, rpc } from './fixtures/auth/http.js';

/** Points 4 and 6 of issue 4: per-item scopes, filtered lists, step-up 403s, public items, getAccessToken(). */
describe('per-tool authorization and getAccessToken()', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, url } = await startApp({
      imports: [McpModule.forRoot({ name: 'secure', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } } })],
      providers: [SecureTools, PublicTools],
    }));
  });
  afterAll(() => app.close());

  async function clientWith(scope?: string) {
    return createMcpClient(app, { headers: bearer(await signToken({ scope })) });
  }

  it('shows each caller the tools, resources and prompts it may use', async () => {
    const none = await clientWith();
    expect((await none.listTools()).tools.map((t) => t.name).sort()).toEqual(['ping', 'public_info', 'whoami']);
    expect((await none.listResources()).resources.map((r) => r.uri)).toEqual(['secure://open']);
    expect((await none.listPrompts()).prompts).toEqual([]);
    await none.close();

    const reader = await clientWith('notes:read');
    expect((await reader.listTools()).tools.map((t) => t.name).sort()).toEqual(['ping', 'public_info', 'read_notes', 'whoami']);
    await reader.close();

    const all = await clientWith('notes:read notes:write reports:read admin');
    expect((await all.listTools()).tools.map((t) => t.name).sort()).toEqual(['ping', 'public_info', 'read_notes', 'whoami', 'write_note']);
    expect((await all.listResources()).resources.map((r) => r.uri).sort()).toEqual(['secure://open', 'secure://report']);
    expect((await all.listPrompts()).prompts.map((p) => p.name)).toEqual(['admin_prompt']);
    expect((await all.callTool({ name: 'write_note' })).content).toEqual([{ type: 'text', text: 'written' }]);
    expect((await all.readResource({ uri: 'secure://report' })).contents[0]).toMatchObject({ text: 'quarterly report' });
    await all.close();
  });

  async function expectStepUp(request: ReturnType<typeof rpc>, scope: string, needed: string): Promise<void> {
    const headers = bearer(await signToken({ scope }));
    const session = await openSession(url(), headers);
    const response = await post(url(), request, { ...headers, 'mcp-session-id': session });
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`scope="${needed}"`);
    expect(challenge).toContain(`resource_metadata="${url('/.well-known/oauth-protected-resource/mcp').href}"`);
    expect(await message(response)).toMatchObject({ jsonrpc: '2.0', id: request.id, error: { code: -32000, message: expect.stringContaining(needed) } });
  }

  it('refuses a tool call without the tool scope with HTTP 403 insufficient_scope naming the scope (@McpTool scopes)', async () => {
    await expectStepUp(rpc('tools/call', { name: 'read_notes' }), '', 'notes:read');
  });

  it('does the same for @RequireScopes()', async () => {
    await expectStepUp(rpc('tools/call', { name: 'write_note' }), 'notes:read', 'notes:write');
  });

  it('does the same for resources and prompts', async () => {
    await expectStepUp(rpc('resources/read', { uri: 'secure://report' }), 'notes:read', 'reports:read');
    await expectStepUp(rpc('prompts/get', { name: 'admin_prompt' }), 'notes:read', 'admin');
  });

  it('lets an unknown tool reach the protocol error (it is not an auth matter)', async () => {
    const client = await clientWith();
    await expect(client.callTool({ name: 'nope' })).rejects.toThrow(/Unknown tool: nope/);
    await client.close();
  });

  it('returns the verified token from getAccessToken() inside a tool', async () => {
    const client = await createMcpClient(app, {
      headers: bearer(await signToken({ sub: 'alice', scope: 'notes:read', claims: { client_id: 'cli-1', custom: { team: 'blue' } } })),
    });
    const result = await client.callTool({ name: 'whoami' });
    expect(result.structuredContent).toEqual({
      subject: 'alice',
      scopes: ['notes:read'],
      clientId: 'cli-1',
      issuer: ISSUER,
      expiresAt: expect.any(Number),
      custom: { team: 'blue' },
    });
    expect((await client.callTool({ name: 'public_info' })).content).toEqual([{ type: 'text', text: 'public, token: yes' }]);
    await client.close();
  });

  describe('@McpPublic() on a protected server', () => {
    it('lets a caller without a token connect, list and call public tools only', async () => {
      const client = await createMcpClient(app);
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['public_info']);
      expect((await client.listResources()).resources).toEqual([]);
      expect((await client.callTool({ name: 'public_info' })).content).toEqual([{ type: 'text', text: 'public, token: no' }]);
      await expect(client.callTool({ name: 'ping' })).rejects.toThrow();
      await client.close();
    });

    it('answers 401 with a challenge when a caller without a token uses anything else', async () => {
      const session = await openSession(url(), {});
      for (const request of [rpc('tools/call', { name: 'ping' }), rpc('resources/read', { uri: 'secure://open' }), rpc('tools/call', { name: 'nope' })]) {
        const response = await post(url(), request, { 'mcp-session-id': session });
        expect(response.status).toBe(401);
        // The caller sent no token: the challenge has no error code (RFC 6750 §3.1).
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
        expect(await message(response)).toMatchObject({ id: request.id, error: { code: -32000 } });
      }
    });

    it('still verifies a token when one is sent: a bad token is refused, not treated as anonymous', async () => {
      const response = await post(url(), INITIALIZE, bearer(await signToken({ expiresIn: -10 })));
      expect(response.status).toBe(401);
    });
  });
});
