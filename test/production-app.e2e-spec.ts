import type { INestApplication, LoggerService } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createMcpClient } from '@nestmcp/core/testing';
import { post, initializeRequest } from './fixtures/http.js';
import { ordersAppModule } from './fixtures/production-app/orders-app.module.js';
import { ORDERS_JWT } from './fixtures/production-app/jwt.strategy.js';
import { ordersToken } from './fixtures/production-app/tokens.js';

type Client = Awaited<ReturnType<typeof createMcpClient>>;
const text = (result: Record<string, unknown>) => (result.content as { type: string; text: string }[])[0]?.text;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const callTool = (name: string, args: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } });

/** Records what the app logs, by level. */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];
  log = (message: string, context?: string) => void this.lines.push({ level: 'log', message, context });
  error = (message: string, context?: string) => void this.lines.push({ level: 'error', message, context });
  warn = (message: string, context?: string) => void this.lines.push({ level: 'warn', message, context });
  debug = (message: string, context?: string) => void this.lines.push({ level: 'debug', message, context });
  verbose = (message: string, context?: string) => void this.lines.push({ level: 'verbose', message, context });
}

async function start(module: ReturnType<typeof ordersAppModule>, logger: LoggerService | false = false): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.listen(0, '127.0.0.1');
  return app;
}

/**
 * Issue 13, point 7: an app built like a production one (global AuthGuard('jwt') over its own JwtStrategy, a
 * catch-all filter writing res.status().json(), a global ValidationPipe and ClassSerializerInterceptor), with
 * McpModule added and nothing else changed, through real HTTP and the SDK client.
 */
describe('a production-style app with its own passport strategy, filter, pipe and interceptor', () => {
  let app: INestApplication;
  let url: URL;
  const clients: Client[] = [];
  const connect = async (scope?: string) => {
    const client = await createMcpClient(app, { headers: bearer(await ordersToken({ sub: 'alice', ...(scope !== undefined && { scope }) })) });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await start(ordersAppModule());
    url = new URL('/mcp', await app.getUrl());
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await app.close();
  });

  it('serves the tools to a token with the scopes: the global guard authenticates, the tools run', async () => {
    const client = await connect('orders:read orders:write');
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['find_order', 'list_orders', 'place_order', 'whoami']);
    expect(text(await client.callTool({ name: 'place_order', arguments: { item: 'cake', quantity: 3 } }))).toMatch(/^order \d+: 3 x cake$/);
    expect(JSON.parse(text(await client.callTool({ name: 'list_orders', arguments: {} })))).toContainEqual({ id: 1, item: 'tea', quantity: 2 });
  });

  it('enforces per-tool scopes with the app strategy: a token without orders:write cannot place orders', async () => {
    const reader = await connect('orders:read');
    expect((await reader.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['find_order', 'list_orders', 'whoami']);
    const token = await ordersToken({ sub: 'alice', scope: 'orders:read' });
    const refused = await post(url, callTool('place_order', { item: 'cake', quantity: 1 }), bearer(token));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(refused.headers.get('www-authenticate')).toContain('scope="orders:write"');
    expect(refused.messages[0]).toMatchObject({ id: 7, error: { code: -32000, message: expect.stringContaining('orders:write') } });
    // A session client hits the same refusal: the tool never ran.
    await expect(reader.callTool({ name: 'place_order', arguments: { item: 'cake', quantity: 1 } })).rejects.toThrow(/403|orders:write/);
    const everyone = await connect('orders:read');
    expect(JSON.parse(text(await everyone.callTool({ name: 'list_orders', arguments: {} }))).some((order: { item: string; quantity: number }) => order.item === 'cake' && order.quantity === 1)).toBe(false);
  });

  it('lets a signed-in user without scopes use the tools that need none, and nothing else', async () => {
    const plain = await connect();
    expect(text(await plain.callTool({ name: 'whoami', arguments: {} }))).toBe('a signed-in user');
    expect((await plain.listTools()).tools.map((tool) => tool.name)).toEqual(['whoami']);
  });

  it.each([
    ['no token', {}],
    ['a token signed with another key', 'other-secret'],
    ['a token for another audience', 'audience'],
  ])('answers %s refused by the app guard with 401 and the RFC 9728 challenge', async (_case, variant) => {
    const headers =
      variant === 'other-secret'
        ? bearer(await ordersToken({ sub: 'alice', scope: 'orders:read' }, { secret: 'not-the-app-secret' }))
        : variant === 'audience'
          ? bearer(await ordersToken({ sub: 'alice', scope: 'orders:read' }, { audience: 'another-api' }))
          : {};
    const refused = await post(url, initializeRequest(), headers as Record<string, string>);
    expect(refused.status).toBe(401);
    const challenge = refused.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${new URL('/.well-known/oauth-protected-resource/mcp', url)}"`);
    expect(refused.messages[0]).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    const metadata = await (await fetch(new URL('/.well-known/oauth-protected-resource/mcp', url))).json();
    expect(metadata).toMatchObject({ resource: url.href, authorization_servers: [ORDERS_JWT.issuer], scopes_supported: ['orders:read', 'orders:write'] });
  });

  it('returns an error thrown by a tool as a tool error, though the app has a catch-all filter', async () => {
    const client = await connect('orders:read');
    expect(await client.callTool({ name: 'find_order', arguments: { id: 999 } })).toEqual({ content: [{ type: 'text', text: 'order 999 not found' }], isError: true });
    expect(await client.callTool({ name: 'place_order', arguments: { item: 'x', quantity: 1 } }).catch((error: Error) => error.message)).toMatch(/orders:write/);
  });

  it('validates DTO arguments as a tool error naming the field (the global ValidationPipe is not in the way)', async () => {
    const writer = await connect('orders:write');
    const invalid = await writer.callTool({ name: 'place_order', arguments: { item: 'cake', quantity: 0 } });
    expect(invalid.isError).toBe(true);
    expect(text(invalid)).toContain('quantity');
  });

  it("leaves the app's own routes as they were: guard, serializer and the catch-all filter's body", async () => {
    const token = await ordersToken({ sub: 'alice' });
    const list = await fetch(new URL('/orders', url), { headers: bearer(token) });
    expect(list.status).toBe(200);
    expect(((await list.json()) as unknown[])[0]).toEqual({ id: 1, item: 'tea', quantity: 2 });
    const missing = await fetch(new URL('/orders/999', url), { headers: bearer(token) });
    expect(await missing.json()).toEqual({ statusCode: 404, error: 'order 999 not found', app: 'orders' });
    const anonymous = await fetch(new URL('/orders', url));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ statusCode: 401, error: 'Unauthorized', app: 'orders' });
  });
});

describe('scopes declared on a server with no auth option', () => {
  it('warns at start-up naming the items, and refuses their calls when no principal is found', async () => {
    const logger = new RecordingLogger();
    // The app's guard passes everyone and leaves no req.user: nothing can say which scopes a caller has.
    const { PRODUCTION_APP_PROVIDERS } = await import('./fixtures/production-app/orders-app.module.js');
    const { APP_GUARD } = await import('@nestjs/core');
    const { Module } = await import('@nestjs/common');
    const { McpModule } = await import('@nestmcp/core');
    @Module({
      imports: [McpModule.forRoot({ name: 'orders', version: '1.0.0' })],
      providers: [...PRODUCTION_APP_PROVIDERS.filter((provider) => !('provide' in provider && provider.provide === APP_GUARD))],
    })
    class NoAuthModule {}
    const app = await start(NoAuthModule as never, logger);
    try {
      const warning = logger.lines.find((line) => line.level === 'warn' && line.context === 'McpAuth');
      expect(warning?.message).toContain('MCP server "orders" has items that declare scopes');
      expect(warning?.message).toContain('tool "list_orders"');
      expect(warning?.message).toContain('tool "place_order"');
      expect(warning?.message).toContain('tool "find_order"');
      expect(warning?.message).not.toContain('whoami');
      const url = new URL('/mcp', await app.getUrl());
      const refused = await post(url, callTool('place_order', { item: 'cake', quantity: 1 }));
      expect(refused.status).toBe(401);
      expect(refused.messages[0]).toMatchObject({ error: { message: expect.stringContaining('no principal') } });
      const client = await createMcpClient(app);
      expect(text(await client.callTool({ name: 'whoami', arguments: {} }))).toBe('a signed-in user');
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('reads the principal a guard left on req.user, with the default mapping', async () => {
    const { PRODUCTION_APP_PROVIDERS } = await import('./fixtures/production-app/orders-app.module.js');
    const { APP_GUARD } = await import('@nestjs/core');
    const { Module } = await import('@nestjs/common');
    const { McpModule } = await import('@nestmcp/core');
    class HeaderUserGuard {
      canActivate(context: { switchToHttp(): { getRequest(): { headers: Record<string, string>; user?: unknown } } }) {
        const request = context.switchToHttp().getRequest();
        if (request.headers['x-scopes'] !== undefined) request.user = { id: 'u1', scp: request.headers['x-scopes'].split(',') };
        return true;
      }
    }
    @Module({
      imports: [McpModule.forRoot({ name: 'orders', version: '1.0.0', auth: {} })],
      providers: [...PRODUCTION_APP_PROVIDERS.filter((provider) => !('provide' in provider && provider.provide === APP_GUARD)), { provide: APP_GUARD, useClass: HeaderUserGuard }],
    })
    class HeaderUserModule {}
    const app = await start(HeaderUserModule as never);
    try {
      const url = new URL('/mcp', await app.getUrl());
      const reader = await createMcpClient(app, { headers: { 'x-scopes': 'orders:read' } });
      expect(JSON.parse(text(await reader.callTool({ name: 'list_orders', arguments: {} })))).toContainEqual({ id: 1, item: 'tea', quantity: 2 });
      await reader.close();
      expect((await post(url, callTool('place_order', { item: 'cake', quantity: 1 }), { 'x-scopes': 'orders:read' })).status).toBe(403);
      const unauthenticated = await post(url, callTool('list_orders'));
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers.get('www-authenticate')).toContain('resource_metadata=');
    } finally {
      await app.close();
    }
  });
});

describe("the app's global ClassSerializerInterceptor and MCP results", () => {
  const serializerHints = (logger: RecordingLogger) => logger.lines.filter((line) => line.context === 'McpEnhancers');

  /** A tool that returns the app's entity as it is (Order has an @Exclude() costPrice). */
  async function withEntityTool(mcp: Partial<Parameters<typeof ordersAppModule>[0]>) {
    const { Injectable, Module } = await import('@nestjs/common');
    const { McpTool } = await import('@nestmcp/core');
    const { Order } = await import('./fixtures/production-app/orders.js');
    @Injectable()
    class EntityTools {
      @McpTool({ description: 'The order entity, unmapped' })
      order_entity() {
        return new Order(9, 'jam', 1);
      }
    }
    @Module({ imports: [ordersAppModule({ auth: { authorizationServers: [ORDERS_JWT.issuer] }, ...mcp })], providers: [EntityTools] })
    class EntityModule {}
    return EntityModule;
  }

  it('warns at start-up that it does not run on tool results, which then carry @Exclude() fields', async () => {
    const logger = new RecordingLogger();
    const app = await start((await withEntityTool({})) as never, logger);
    try {
      const hints = serializerHints(logger);
      expect(hints).toHaveLength(1);
      expect(hints[0]).toMatchObject({ level: 'warn', message: expect.stringContaining('MCP server "orders": the app\'s global ClassSerializerInterceptor does not run on MCP tool') });
      expect(hints[0].message).toContain('inheritGlobalEnhancers: [ClassSerializerInterceptor]');
      const client = await createMcpClient(app, { headers: bearer(await ordersToken({ sub: 'alice' })) });
      expect(JSON.parse(text(await client.callTool({ name: 'order_entity', arguments: {} })))).toHaveProperty('costPrice');
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('says nothing once the server inherits it, and the tool result is serialized as the routes are', async () => {
    const { ClassSerializerInterceptor } = await import('@nestjs/common');
    const logger = new RecordingLogger();
    const app = await start((await withEntityTool({ inheritGlobalEnhancers: [ClassSerializerInterceptor] })) as never, logger);
    try {
      expect(serializerHints(logger)).toEqual([]);
      const client = await createMcpClient(app, { headers: bearer(await ordersToken({ sub: 'alice' })) });
      expect(JSON.parse(text(await client.callTool({ name: 'order_entity', arguments: {} })))).toEqual({ id: 9, item: 'jam', quantity: 1 });
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('says nothing when the server says it does not want it (inheritGlobalEnhancers: false)', async () => {
    const logger = new RecordingLogger();
    const app = await start((await withEntityTool({ inheritGlobalEnhancers: false })) as never, logger);
    await app.close();
    expect(serializerHints(logger)).toEqual([]);
  });
});

describe("a global guard of the app that reads metadata (Nest's RolesGuard) and tools that carry it", () => {
  /** Nest's RolesGuard (docs: authorization), global, and a tool marked @Roles('admin') as a route would be. */
  async function rolesApp(options: { markGuard?: boolean; inherit?: false } = {}) {
    const { Injectable, Module, SetMetadata } = await import('@nestjs/common');
    const { APP_GUARD } = await import('@nestjs/core');
    const { ApplyToMcpHandlers, McpExecutionContext, McpModule, McpTool } = await import('@nestmcp/core');
    const Roles = (...roles: string[]) => SetMetadata('roles', roles);
    @Injectable()
    class RolesGuard {
      constructor(private readonly reflector: Reflector) {}
      canActivate(context: import('@nestjs/common').ExecutionContext): boolean {
        const roles = this.reflector.get<string[] | undefined>('roles', context.getHandler());
        if (!roles) return true;
        const request = McpExecutionContext.isMcp(context) ? McpExecutionContext.create(context).getHttpRequest<{ headers: Record<string, string> }>() : context.switchToHttp().getRequest();
        return roles.includes(request.headers['x-role']);
      }
    }
    if (options.markGuard) ApplyToMcpHandlers()(RolesGuard);
    @Injectable()
    class AdminTools {
      @Roles('admin')
      @McpTool({ description: 'Admins only' })
      purge() {
        return 'purged';
      }
    }
    @Module({
      imports: [McpModule.forRoot({ name: 'roles', version: '1.0.0', ...(options.inherit === false && { inheritGlobalEnhancers: false }) })],
      providers: [AdminTools, { provide: APP_GUARD, useClass: RolesGuard }],
    })
    class RolesModule {}
    return RolesModule;
  }
  const hints = (logger: RecordingLogger) => logger.lines.filter((line) => line.context === 'McpEnhancers');

  it('warns at start-up, naming the tool and the metadata, that the global guard does not check it', async () => {
    const logger = new RecordingLogger();
    const app = await start((await rolesApp()) as never, logger);
    try {
      expect(hints(logger)).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('MCP server "roles": the app\'s global guards (RolesGuard) do not run on MCP handlers') }),
      ]);
      expect(hints(logger)[0].message).toContain('tool "purge" (AdminTools.purge: roles)');
      // What the warning is about: the tool runs for a caller without the role.
      const client = await createMcpClient(app, { headers: { 'x-role': 'guest' } });
      expect(text(await client.callTool({ name: 'purge', arguments: {} }))).toBe('purged');
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('says nothing once the guard runs on MCP handlers (@ApplyToMcpHandlers()), which then refuses the guest', async () => {
    const logger = new RecordingLogger();
    const app = await start((await rolesApp({ markGuard: true })) as never, logger);
    try {
      expect(hints(logger)).toEqual([]);
      const guest = await createMcpClient(app, { headers: { 'x-role': 'guest' } });
      expect(await guest.callTool({ name: 'purge', arguments: {} })).toEqual({ content: [{ type: 'text', text: 'Forbidden resource' }], isError: true });
      await guest.close();
      const admin = await createMcpClient(app, { headers: { 'x-role': 'admin' } });
      expect(text(await admin.callTool({ name: 'purge', arguments: {} }))).toBe('purged');
      await admin.close();
    } finally {
      await app.close();
    }
  });

  it('says nothing when the server says it has decided (inheritGlobalEnhancers: false)', async () => {
    const logger = new RecordingLogger();
    const app = await start((await rolesApp({ inherit: false })) as never, logger);
    await app.close();
    expect(hints(logger)).toEqual([]);
  });
});
