import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { McpModule } from '@nestmcp/core';
import { SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, signToken } from './fixtures/auth/tokens.js';
import { JwksServer, generateSigningKey, type SigningKey } from './fixtures/auth/jwks-server.js';
import { INITIALIZE, bearer, post, rpc } from './fixtures/auth/http.js';
import { ordersAppModule } from './fixtures/production-app/orders-app.module.js';
import { ordersToken } from './fixtures/production-app/tokens.js';

class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];
  private record = (level: string) => (message: string, context?: string) => void this.lines.push({ level, message: String(message), context });
  log = this.record('log');
  error = this.record('error');
  warn = this.record('warn');
  debug = this.record('debug');
  verbose = this.record('verbose');
}

/** Issue 13, point 3: each auth refusal is logged once, at debug level, with the reason and never the token. */
describe('auth refusals are logged at debug level', () => {
  const jwks = new JwksServer();
  const logger = new RecordingLogger();
  let app: INestApplication;
  let url: URL;
  let key: SigningKey;
  let stranger: SigningKey;

  beforeAll(async () => {
    [key, stranger] = await Promise.all([generateSigningKey('RS256', 'known'), generateSigningKey('RS256', 'stranger')]);
    jwks.keys = [key];
    const jwksUri = await jwks.start();
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'logged', version: '1.0.0', auth: { jwt: { jwksUri, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 }, requiredScopes: ['mcp'] } })],
      providers: [SecureTools],
    }).compile();
    app = moduleRef.createNestApplication({ logger });
    await app.listen(0, '127.0.0.1');
    url = new URL('/mcp', await app.getUrl());
  });
  afterAll(async () => {
    await app.close();
    await jwks.stop();
  });

  const sign = (options: Parameters<typeof signToken>[0] = {}, signer = key) => signToken({ key: signer.privateKey, alg: 'RS256', kid: signer.kid, scope: 'mcp', ...options });

  it.each<[string, () => Promise<Record<string, string>>, number, RegExp]>([
    ['missing token', async () => ({}), 401, /missing token/],
    ['bad signature', async () => bearer(`${(await sign()).slice(0, -6)}AAAAAA`), 401, /bad signature/],
    ['expired', async () => bearer(await sign({ expiresIn: -60 })), 401, /expired/],
    ['wrong audience', async () => bearer(await sign({ aud: 'https://elsewhere.test/mcp' })), 401, /wrong audience \(jwt audience invalid/],
    ['wrong issuer', async () => bearer(await sign({ iss: 'https://rogue.test' })), 401, /wrong issuer \(jwt issuer invalid/],
    ['unknown key', async () => bearer(await sign({}, stranger)), 401, /unknown key/],
    ['malformed token', async () => bearer('not.a.jwt'), 401, /malformed token/],
    ['insufficient scope (requiredScopes)', async () => bearer(await sign({ scope: 'other' })), 403, /insufficient scope \(requiredScopes: lacks mcp\)/],
  ])('%s: one debug line with the reason, none with the token', async (_case, headers, status, reason) => {
    const sent = await headers();
    logger.lines.length = 0;
    const response = await post(url, INITIALIZE, sent);
    expect(response.status).toBe(status);
    const refusals = logger.lines.filter((line) => line.context === 'McpAuth');
    expect(refusals).toHaveLength(1);
    expect(refusals[0].level).toBe('debug');
    expect(refusals[0].message).toMatch(/^MCP server "logged" refused POST \/mcp: /);
    expect(refusals[0].message).toMatch(reason);
    const token = sent.authorization?.slice('Bearer '.length);
    if (token) for (const line of logger.lines) expect(line.message).not.toContain(token);
  });

  it('logs a per-tool scope refusal once, naming the tool and the scope it needs', async () => {
    const token = await sign({ scope: 'mcp' });
    logger.lines.length = 0;
    const response = await post(url, rpc('tools/call', { name: 'write_note', arguments: {} }), bearer(token));
    expect(response.status).toBe(403);
    const refusals = logger.lines.filter((line) => line.context === 'McpAuth');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 'debug', message: expect.stringMatching(/insufficient scope \(tools\/call write_note needs .*notes:write/) });
    for (const line of logger.lines) expect(line.message).not.toContain(token);
  });
});

/**
 * The app of issue 13 as it is, with McpModule.forRoot() and no `auth` option: its own AuthGuard('jwt') refuses
 * tokens for another audience or issuer, and that refusal is logged too (there is no metadata to point to, so no
 * challenge).
 */
describe("refusals by the app's own guard on a server without auth", () => {
  const logger = new RecordingLogger();
  let app: INestApplication;
  let url: URL;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ordersAppModule({})] }).compile();
    app = moduleRef.createNestApplication({ logger });
    await app.listen(0, '127.0.0.1');
    url = new URL('/mcp', await app.getUrl());
  });
  afterAll(() => app.close());

  it.each([
    ['another audience', { audience: 'another-api' }],
    ['another issuer', { issuer: 'https://rogue.test' }],
  ])('logs a token for %s once at debug level, never the token', async (_case, overrides) => {
    const token = await ordersToken({ sub: 'alice', scope: 'orders:read' }, overrides);
    logger.lines.length = 0;
    const response = await post(url, INITIALIZE, bearer(token));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBeNull();
    const refusals = logger.lines.filter((line) => line.context === 'McpAuth');
    expect(refusals).toEqual([{ level: 'debug', context: 'McpAuth', message: 'MCP server "orders" refused POST /mcp: refused by a guard of the app (Unauthorized)' }]);
    for (const line of logger.lines) expect(line.message).not.toContain(token);
  });
});
