import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { McpModule, McpPublic, McpTool, StaticTokenVerifier, type McpContext } from '@nestmcp/core';
import { z } from 'zod';
import { startApp } from './fixtures/app.js';
import { PublicTools, SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, SECRET, signToken, unsignedToken } from './fixtures/auth/tokens.js';
import { INITIALIZE, bearer, message, openSession, post, rpc } from './fixtures/auth/http.js';

/**
 * Adversarial review of issue 13's auth (principal model, token checks, sessions): each case is a way in that
 * was found open, through real HTTP against a real app.
 */
describe('auth.jwt clockToleranceSeconds', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  beforeAll(async () => {
    ({ app, url } = await startApp({
      imports: [McpModule.forRoot({ name: 'skewed', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 120 } } })],
      providers: [SecureTools],
    }));
  });
  afterAll(() => app.close());

  it('accepts a token that expired within the tolerance (clock skew), as passport-jwt did', async () => {
    const response = await post(url(), INITIALIZE, bearer(await signToken({ expiresIn: -30 })));
    expect(response.status).toBe(200);
  });

  it('still refuses a token that expired beyond the tolerance', async () => {
    const response = await post(url(), INITIALIZE, bearer(await signToken({ expiresIn: -600 })));
    expect(response.status).toBe(401);
  });
});

describe('auth.jwt and tokens without exp', () => {
  it('refuses a validly signed token that never expires, by default (RFC 9068 §2.2)', async () => {
    const { app, url } = await startApp({ imports: [McpModule.forRoot({ name: 'strict', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } } })], providers: [SecureTools] });
    try {
      const response = await post(url(), INITIALIZE, bearer(await signToken({ expiresIn: null })));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(response.headers.get('www-authenticate')).toContain('has no expiry');
      expect((await post(url(), INITIALIZE, bearer(await signToken()))).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('accepts it with requireExpiration: false', async () => {
    const jwt = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, requireExpiration: false };
    const { app, url } = await startApp({ imports: [McpModule.forRoot({ name: 'lax-exp', version: '1.0.0', auth: { jwt } })], providers: [SecureTools] });
    try {
      expect((await post(url(), INITIALIZE, bearer(await signToken({ expiresIn: null })))).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('a TokenVerifier that hands back an expired token', () => {
  it('is still refused as expired (the expiry check moved from the guard to the verifier checker)', async () => {
    const verifier = { verify: (token: string) => ({ token, subject: 'old', scopes: [], claims: {}, expiresAt: Math.floor(Date.now() / 1000) - 5 }) };
    const { app, url } = await startApp({ imports: [McpModule.forRoot({ name: 'lax', version: '1.0.0', auth: { verifier } })], providers: [SecureTools] });
    try {
      const response = await post(url(), INITIALIZE, bearer('anything'));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('the bearer token has expired');
    } finally {
      await app.close();
    }
  });
});

describe('principal keys: a subject never passes for a client', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  beforeAll(async () => {
    const verifier = new StaticTokenVerifier({
      'service-token': { clientId: 'billing', issuer: ISSUER, scopes: [] },
      'user-token': { subject: 'client:billing', issuer: ISSUER, scopes: [] },
    });
    ({ app, url } = await startApp({ imports: [McpModule.forRoot({ name: 'keys', version: '1.0.0', auth: { verifier } })], providers: [SecureTools] }));
  });
  afterAll(() => app.close());

  it("refuses the session of client 'billing' to a user whose subject is 'client:billing'", async () => {
    const session = await openSession(url(), bearer('service-token'));
    const stolen = await post(url(), rpc('tools/list'), { ...bearer('user-token'), 'mcp-session-id': session });
    expect(stolen.status).toBe(404);
    const own = await post(url(), rpc('tools/list'), { ...bearer('service-token'), 'mcp-session-id': session });
    expect(own.status).toBe(200);
  });
});

@McpPublic()
@Injectable()
class MostlyPublicTools {
  @McpTool({ description: 'Public status' })
  status() {
    return 'ok';
  }

  @McpTool({ description: 'Needs admin, in a public class', scopes: ['admin'] })
  purge() {
    return 'purged';
  }
}

describe('@McpPublic() on a class whose method declares scopes', () => {
  it('is refused at start-up, naming the item, rather than letting anyone run it', async () => {
    const outcome = await startApp({
      imports: [McpModule.forRoot({ name: 'mixed', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } } })],
      providers: [MostlyPublicTools],
    }).then(
      // Were it to start: what a caller without any token gets from the admin tool.
      async ({ app, url }) => {
        const session = await openSession(url(), {});
        const called = await message(await post(url(), rpc('tools/call', { name: 'purge', arguments: {} }), { 'mcp-session-id': session }));
        await app.close();
        return `started, and an anonymous tools/call purge got ${JSON.stringify(called.result ?? called.error)}`;
      },
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(/tool "purge" \(MostlyPublicTools\.purge\) is @McpPublic\(\) and declares scopes \(admin\)/);
  });
});

/**
 * An app guard that authenticates without an Authorization header (a cookie session, an API key header) and leaves
 * the user in a shape of its own: `x-user-shape` picks it, `x-user` names the user.
 */
@Injectable()
class HeaderSessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    const name = request.headers['x-user'];
    if (!name) return false;
    const shape = request.headers['x-user-shape'];
    request.user = shape === 'string' ? name : shape === 'nameless' ? { roles: ['reader'] } : { username: name, scopes: ['orders:read'] };
    return true;
  }
}

describe("sessions of users the app's guard names its own way (no Authorization header)", () => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  beforeAll(async () => {
    ({ app, url } = await startApp({
      imports: [McpModule.forRoot({ name: 'cookies', version: '1.0.0', auth: {} })],
      providers: [SecureTools, { provide: APP_GUARD, useClass: HeaderSessionGuard }],
    }));
  });
  afterAll(() => app.close());

  it.each([
    ['{ username, scopes }', 'object'],
    ['a plain string (a user id from deserializeUser)', 'string'],
  ])('keeps the session of one user from another when req.user is %s', async (_case, shape) => {
    const alice = { 'x-user': 'alice', 'x-user-shape': shape };
    const bob = { 'x-user': 'bob', 'x-user-shape': shape };
    const session = await openSession(url(), alice);
    const stolen = await post(url(), rpc('tools/list'), { ...bob, 'mcp-session-id': session });
    expect(stolen.status).toBe(404);
    const own = await post(url(), rpc('tools/list'), { ...alice, 'mcp-session-id': session });
    expect(own.status).toBe(200);
  });
});

describe('a req.user that names nobody, on requests without an Authorization header', () => {
  it('is warned about once: such callers cannot be told apart', async () => {
    const lines: { level: string; message: string; context?: string }[] = [];
    const record = (level: string) => (message: string, context?: string) => void lines.push({ level, message: String(message), context });
    const logger: LoggerService = { log: record('log'), error: record('error'), warn: record('warn'), debug: record('debug'), verbose: record('verbose') };
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'nameless', version: '1.0.0', auth: {} })],
      providers: [SecureTools, { provide: APP_GUARD, useClass: HeaderSessionGuard }],
    }).compile();
    const app = moduleRef.createNestApplication({ logger });
    await app.listen(0, '127.0.0.1');
    try {
      const url = new URL('/mcp', await app.getUrl());
      for (const user of ['alice', 'bob']) expect((await post(url, INITIALIZE, { 'x-user': user, 'x-user-shape': 'nameless' })).status).toBe(200);
      const warnings = lines.filter((line) => line.context === 'McpAuth' && line.level === 'warn');
      expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('MCP server "nameless": a guard of the app left a req.user that names nobody') })]);
    } finally {
      await app.close();
    }
  });
});

const MODERN = '2026-07-28';
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
};

/** A 2026-07-28 request: no session, the standard headers, the name header where the method has one. */
function modern(url: URL, method: string, params: Record<string, unknown>, token?: string) {
  const name = method === 'resources/read' ? params.uri : method === 'tools/call' || method === 'prompts/get' ? params.name : undefined;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(name !== undefined && { 'mcp-name': String(name) }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: MODERN_META } }),
  });
}

@Injectable()
class ConfirmTools {
  @McpTool({ description: 'Asks before it deletes', input: { item: z.string() }, scopes: ['notes:read'] })
  async remove({ item }: { item: string }, ctx: McpContext) {
    const answer = await ctx.elicit(`Delete ${item}?`, z.object({ confirm: z.boolean() }));
    return `confirmed: ${String(answer.content?.confirm)}`;
  }
}

describe('2026-07-28 requests with and without tokens (auth.jwt, public items, scopes)', () => {
  let app: INestApplication;
  let url: URL;
  let reader: string;
  beforeAll(async () => {
    const started = await startApp({
      imports: [McpModule.forRoot({ name: 'modern', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: [ISSUER, 'https://other-issuer.test'], audience: AUDIENCE } } })],
      providers: [SecureTools, PublicTools, ConfirmTools],
    });
    app = started.app;
    url = started.url();
    reader = await signToken({ sub: 'alice', scope: 'notes:read' });
  });
  afterAll(() => app.close());

  it('lets a caller without a token discover, list and use public items only', async () => {
    expect((await modern(url, 'server/discover', {})).status).toBe(200);
    const listed = (await (await modern(url, 'tools/list', {})).json()) as { result: { tools: { name: string }[] } };
    expect(listed.result.tools.map((tool) => tool.name)).toEqual(['public_info']);
    expect((await modern(url, 'tools/call', { name: 'public_info', arguments: {} })).status).toBe(200);
    const refused = await modern(url, 'tools/call', { name: 'read_notes', arguments: {} });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer scope="notes:read", resource_metadata="/);
  });

  it.each<[string, string, Record<string, unknown>, string]>([
    ['a tool', 'tools/call', { name: 'write_note', arguments: {} }, 'notes:write'],
    ['a resource', 'resources/read', { uri: 'secure://report' }, 'reports:read'],
    ['a prompt', 'prompts/get', { name: 'admin_prompt' }, 'admin'],
    ['a completion of a prompt', 'completion/complete', { ref: { type: 'ref/prompt', name: 'admin_prompt' }, argument: { name: 'x', value: '' } }, 'admin'],
    ['a resource subscription', 'subscriptions/listen', { notifications: { resourceSubscriptions: ['secure://report'] } }, 'reports:read'],
  ])('refuses %s without its scope: 403 insufficient_scope naming it', async (_case, method, params, scope) => {
    const response = await modern(url, method, params, reader);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain(`error="insufficient_scope"`);
    expect(response.headers.get('www-authenticate')).toContain(`scope="${scope}"`);
    await response.text();
  });

  it('refuses an unsigned token (alg: none) on this path too', async () => {
    expect((await modern(url, 'tools/call', { name: 'read_notes', arguments: {} }, unsignedToken())).status).toBe(401);
  });

  it('binds a requestState to issuer + subject: another issuer\'s alice and no token are refused, a renewed token finishes', async () => {
    const first = (await (await modern(url, 'tools/call', { name: 'remove', arguments: { item: 'a' } }, reader)).json()) as { result: { resultType: string; requestState: string } };
    expect(first.result.resultType).toBe('input_required');
    const again = { name: 'remove', arguments: { item: 'a' }, inputResponses: { 'elicit-0': { action: 'accept', content: { confirm: true } } }, requestState: first.result.requestState };
    const otherIssuer = await signToken({ sub: 'alice', iss: 'https://other-issuer.test', scope: 'notes:read' });
    const crossed = (await (await modern(url, 'tools/call', again, otherIssuer)).json()) as { error: { message: string } };
    expect(crossed.error.message).toContain('another caller');
    expect((await modern(url, 'tools/call', again)).status).toBe(401);
    const renewed = await signToken({ sub: 'alice', scope: 'notes:read', expiresIn: 900 });
    const done = (await (await modern(url, 'tools/call', again, renewed)).json()) as { result: { content: { text: string }[] } };
    expect(done.result.content[0].text).toBe('confirmed: true');
  });
});
