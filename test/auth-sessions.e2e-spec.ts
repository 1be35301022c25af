import type { INestApplication } from '@nestjs/common';
import { McpModule, McpSessions } from '@nestmcp/core';
import { startApp } from './fixtures/app.js';
import { ProfileController, SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, SECRET, signToken } from './fixtures/auth/tokens.js';
import { bearer, message, openSession, post, rpc } from './fixtures/auth/http.js';

/** Point 5 of issue 4: a session belongs to the principal (issuer + subject) that opened it; every request is verified. */
describe('sessions bound to their principal', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, url } = await startApp({
      imports: [McpModule.forRoot({ name: 'secure', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: [ISSUER, 'https://other-issuer.test'], audience: AUDIENCE } } })],
      providers: [SecureTools],
      controllers: [ProfileController],
    }));
  });
  afterAll(() => app.close());

  const alice = () => signToken({ sub: 'alice' }).then(bearer);
  const bob = () => signToken({ sub: 'bob' }).then(bearer);

  it("answers another principal's session id exactly like an unknown one (404), on POST, GET and DELETE", async () => {
    const session = await openSession(url(), await alice());
    const sessions = (app.get(McpSessions) as unknown as { sessions: Map<string, { lastSeen: number }> }).sessions;
    const seen = sessions.get(session)!.lastSeen;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const unknown = await post(url(), rpc('tools/list'), { ...(await bob()), 'mcp-session-id': 'no-such-session' });
    const stolen = await post(url(), rpc('tools/list'), { ...(await bob()), 'mcp-session-id': session });
    // Nor does the other principal keep the session alive.
    expect(sessions.get(session)!.lastSeen).toBe(seen);
    expect(stolen.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await message(stolen)).toEqual(await message(unknown));

    const stream = await fetch(url(), { headers: { ...(await bob()), accept: 'text/event-stream', 'mcp-session-id': session } });
    expect(stream.status).toBe(404);
    await stream.text();
    const deleted = await fetch(url(), { method: 'DELETE', headers: { ...(await bob()), 'mcp-session-id': session } });
    expect(deleted.status).toBe(404);

    // The owner's session is untouched.
    const own = await post(url(), rpc('tools/list'), { ...(await alice()), 'mcp-session-id': session });
    expect(own.status).toBe(200);
    expect((await message(own)).result).toHaveProperty('tools');
  });

  it('binds to issuer + subject: the same subject from another issuer is another principal', async () => {
    const session = await openSession(url(), await alice());
    const otherIssuer = bearer(await signToken({ sub: 'alice', iss: 'https://other-issuer.test' }));
    const response = await post(url(), rpc('tools/list'), { ...otherIssuer, 'mcp-session-id': session });
    expect(response.status).toBe(404);
  });

  it('lets the owner use the session with a fresh token (same principal)', async () => {
    const session = await openSession(url(), await alice());
    const renewed = bearer(await signToken({ sub: 'alice', expiresIn: 900, scope: 'notes:read' }));
    const response = await post(url(), rpc('tools/call', { name: 'read_notes' }), { ...renewed, 'mcp-session-id': session });
    expect(response.status).toBe(200);
    expect((await message(response)).result).toMatchObject({ content: [{ type: 'text', text: 'notes' }] });
  });

  it('never takes a session id as authentication: requests without a valid token are refused', async () => {
    const session = await openSession(url(), await alice());
    const bare = await post(url(), rpc('tools/list'), { 'mcp-session-id': session });
    expect(bare.status).toBe(401);
    const expired = await post(url(), rpc('tools/list'), { ...bearer(await signToken({ sub: 'alice', expiresIn: -1 })), 'mcp-session-id': session });
    expect(expired.status).toBe(401);
  });

  it('serves the default McpAuthGuard on a user route when one server has auth', async () => {
    const response = await fetch(url('/api/profile'), { headers: bearer(await signToken({ sub: 'dave', scope: 'a b' })) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'dave', scopes: ['a', 'b'] });
    expect((await fetch(url('/api/profile'))).status).toBe(401);
  });
});
