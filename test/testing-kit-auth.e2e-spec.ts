import 'reflect-metadata';
import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { generateKeyPair, exportSPKI } from 'jose';
import { McpModule } from '@nestmcp/core';
import { createMcpTestClient, createMcpTestToken } from '@nestmcp/core/testing';
import { AllowHeaderGuard, GreetingService, KitTools, RequestLabel, ScopedTools } from './fixtures/testing-kit/kit.tools.js';
import { AUDIENCE, ISSUER, SECRET } from './fixtures/auth/tokens.js';

const KIT_PROVIDERS = [GreetingService, RequestLabel, AllowHeaderGuard, KitTools, ScopedTools];

/** The app's own auth guard (as a passport guard would): `x-api-key: k-<name>` makes `req.user`, anything else is 401. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
    const key = request.headers['x-api-key'];
    if (!key?.startsWith('k-')) throw new UnauthorizedException('an API key is needed');
    request.user = { sub: key.slice(2), scope: key === 'k-admin' ? 'notes:write' : '' };
    return true;
  }
}

describe('the kit on a server with its own JWT check (auth.jwt)', () => {
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'kit', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } } })],
      providers: KIT_PROVIDERS,
    }).compile();
    await moduleRef.init();
  });
  afterAll(() => moduleRef.close());

  it('in memory, a token from createMcpTestToken() passes the module JWT check; getAccessToken() sees it; scopes apply', async () => {
    const token = await createMcpTestToken(moduleRef, { sub: 'alice', scope: 'notes:read' });
    const mcp = await createMcpTestClient(moduleRef, { token });
    expect(JSON.parse(await mcp.callTool<string>('whoami')).subject).toBe('alice');
    expect((await mcp.listTools()).map((tool) => tool.name)).not.toContain('write');
    await expect(mcp.callTool('write')).rejects.toThrow(/notes:write/);
    await mcp.close();
    const writer = await createMcpTestClient(moduleRef, { token: await createMcpTestToken(moduleRef, { sub: 'bob', scope: ['notes:write'] }) });
    expect(await writer.callTool('write')).toBe('written');
    await writer.close();
  });

  it('in memory, the route guard refuses a missing, expired or foreign token as HTTP would (401 and its challenge)', async () => {
    await expect(createMcpTestClient(moduleRef)).rejects.toThrow(/HTTP 401.*bearer token/);
    const expired = await createMcpTestToken(moduleRef, { sub: 'alice' }, { expiresIn: -60 });
    await expect(createMcpTestClient(moduleRef, { token: expired })).rejects.toThrow(/expired/);
    const foreign = await createMcpTestToken(moduleRef, { sub: 'alice' }, { issuer: 'https://someone-else.test' });
    await expect(createMcpTestClient(moduleRef, { token: foreign })).rejects.toThrow(/HTTP 401/);
    const refused = (await createMcpTestClient(moduleRef).catch((error: unknown) => error)) as { data?: unknown };
    expect(refused.data).toMatchObject({ status: 401, challenge: expect.stringContaining('Bearer') });
  });

  it('over Streamable HTTP (the app listens on port 0) and on 2026-07-28, the same token works', async () => {
    const appModule = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'kit', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } } })],
      providers: KIT_PROVIDERS,
    }).compile();
    const app = appModule.createNestApplication({ logger: false });
    await app.init();
    const token = await createMcpTestToken(app, { sub: 'carol', scope: 'notes:write' });
    const http = await createMcpTestClient(app, { transport: 'streamable-http', token });
    expect(await http.callTool('write')).toBe('written');
    await http.close();
    const modern = await createMcpTestClient(app, { transport: 'streamable-http', token, protocolVersion: '2026-07-28' });
    expect(JSON.parse(await modern.callTool<string>('whoami')).subject).toBe('carol');
    await modern.close();
    const modernInMemory = await createMcpTestClient(app, { transport: 'in-memory', token, protocolVersion: '2026-07-28' });
    expect(await modernInMemory.callTool('write')).toBe('written');
    await modernInMemory.close();
    await app.close();
  });

  it('a publicKey server: createMcpTestToken() signs with the private key given, and says so when it is missing', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const keyed = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'rsa', version: '1.0.0', auth: { jwt: { publicKey: await exportSPKI(publicKey), issuer: ISSUER } } })],
      providers: KIT_PROVIDERS,
    }).compile();
    await keyed.init();
    await expect(createMcpTestToken(keyed, { sub: 'x' })).rejects.toThrow(/private key/);
    const mcp = await createMcpTestClient(keyed, { token: await createMcpTestToken(keyed, { sub: 'dave' }, { privateKey }) });
    expect(JSON.parse(await mcp.callTool<string>('whoami')).subject).toBe('dave');
    await mcp.close();
    await keyed.close();
  });
});

describe("the kit on a server whose auth is the app's own guard", () => {
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'kit', version: '1.0.0', auth: {} })],
      providers: [...KIT_PROVIDERS, { provide: APP_GUARD, useClass: ApiKeyGuard }],
    }).compile();
    await moduleRef.init();
  });
  afterAll(() => moduleRef.close());

  it('in memory, the global guard runs on the fake request: its principal and scopes apply', async () => {
    await expect(createMcpTestClient(moduleRef)).rejects.toThrow(/HTTP 401.*API key/);
    const user = await createMcpTestClient(moduleRef, { headers: { 'x-api-key': 'k-erin' } });
    await expect(user.callTool('write')).rejects.toThrow(/notes:write/);
    await user.close();
    const admin = await createMcpTestClient(moduleRef, { headers: { 'x-api-key': 'k-admin' } });
    expect(await admin.callTool('write')).toBe('written');
    await admin.close();
  });

  it("overrideProvider() replaces the app's global guard for a test (APP_GUARD with useExisting, as Nest's docs show)", async () => {
    const overridden = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'kit', version: '1.0.0', auth: {} })],
      providers: [...KIT_PROVIDERS, { provide: APP_GUARD, useExisting: ApiKeyGuard }, ApiKeyGuard],
    })
      .overrideProvider(ApiKeyGuard)
      .useValue({
        canActivate: (context: ExecutionContext) => {
          context.switchToHttp().getRequest().user = { sub: 'tester', scope: 'notes:write' };
          return true;
        },
      })
      .compile();
    await overridden.init();
    const mcp = await createMcpTestClient(overridden);
    expect(await mcp.callTool('write')).toBe('written');
    await mcp.close();
    await overridden.close();
  });
});
