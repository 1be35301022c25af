import { Module, RequestMethod, VersioningType, type INestApplication, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Test } from '@nestjs/testing';
import { McpModule, McpSessions } from '@nestmcp/core';
import { HardeningTools } from './fixtures/hardening-tools.js';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, initializeBody, messagesOf, rawRequest, type RawRequest } from './fixtures/raw-http.js';

/**
 * Issue 11 point 1: the HTTP gate (Host/Origin check, the MCP body limit, the body checks) is tied to the route
 * Nest serves, not to a path the gate computes. Every app layout below serves the MCP endpoint somewhere else
 * than `/mcp`, or reaches it with a URL the router reads differently from a plain path comparison.
 */
interface Layout {
  name: string;
  /** The path the MCP endpoint is served at. */
  path: string;
  /** Extra request headers the layout needs to reach the endpoint (header / media-type versioning). */
  headers?: Record<string, string>;
  configure: (app: INestApplication) => void;
}

const LAYOUTS: Layout[] = [
  { name: 'URI versioning', path: '/v1/mcp', configure: (app) => app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' }) },
  {
    name: 'URI versioning under a global prefix',
    path: '/api/v1/mcp',
    configure: (app) => {
      app.setGlobalPrefix('api');
      app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
    },
  },
  { name: 'a global prefix that excludes the MCP path', path: '/mcp', configure: (app) => app.setGlobalPrefix('api', { exclude: ['mcp'] }) },
  {
    name: 'header versioning',
    path: '/mcp',
    headers: { 'x-api-version': '1' },
    configure: (app) => app.enableVersioning({ type: VersioningType.HEADER, header: 'x-api-version', defaultVersion: '1' }),
  },
  {
    name: 'media-type versioning',
    path: '/mcp',
    headers: { accept: 'application/json, text/event-stream;v=1' },
    configure: (app) => app.enableVersioning({ type: VersioningType.MEDIA_TYPE, key: 'v=', defaultVersion: '1' }),
  },
];

/** Bigger than the app's own JSON parser takes by default (100 KiB), smaller than the MCP limit below. */
const BETWEEN_LIMITS = 150 * 1024;
const MCP_LIMIT = 256 * 1024;

const paddedInitialize = (bytes: number) =>
  JSON.stringify({ ...JSON.parse(initializeBody()), params: { ...JSON.parse(initializeBody()).params, _meta: { pad: 'x'.repeat(bytes) } } });

describe.each(PLATFORMS)('the MCP gate follows the served route (%s)', (platform) => {
  describe.each(LAYOUTS)('$name', (layout) => {
    let app: HardeningApp;
    const post = (headers: Record<string, string>, body = initializeBody(), path = layout.path) =>
      rawRequest(app.port, { path, headers: { ...MCP_POST_HEADERS, ...layout.headers, ...headers }, body });

    beforeAll(async () => {
      app = await startHardeningApp(platform, { limits: { maxBodyBytes: MCP_LIMIT } }, layout.configure);
    });
    afterAll(() => app.app.close());

    it('serves the endpoint there', async () => {
      const response = await post({});
      expect(response.status).toBe(200);
      expect(response.headers['mcp-session-id']).toBeDefined();
    });

    it('refuses a foreign Host and a foreign Origin with 403, and opens no session', async () => {
      const before = app.sessions.size;
      const foreignHost = await post({ host: `evil.example:${app.port}`, origin: `http://evil.example:${app.port}` });
      expect(foreignHost.status).toBe(403);
      expect(messagesOf(foreignHost)[0].error.message).toContain('Forbidden: host "evil.example');
      const foreignOrigin = await post({ origin: 'https://evil.example' });
      expect(foreignOrigin.status).toBe(403);
      expect(messagesOf(foreignOrigin)[0].error.message).toContain('Forbidden: origin');
      expect(app.sessions.size).toBe(before);
    });

    it('reads the body with the MCP limit, not the app parser', async () => {
      const between = await post({}, paddedInitialize(BETWEEN_LIMITS));
      expect(between.status).toBe(200);
      const tooLarge = await post({}, paddedInitialize(MCP_LIMIT + 1024));
      expect(tooLarge.status).toBe(413);
      expect(messagesOf(tooLarge)[0]).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('Payload Too Large') } });
    });

    it('applies the MCP body checks', async () => {
      const polluted = await post({}, '{"jsonrpc":"2.0","id":1,"method":"ping","__proto__":{"polluted":true}}');
      expect(polluted.status).toBe(400);
      expect(messagesOf(polluted)[0].error.code).toBe(-32600);
      const broken = await post({}, '{"jsonrpc":');
      expect(broken.status).toBe(400);
      expect(messagesOf(broken)[0].error.code).toBe(-32700);
    });
  });

  describe('URLs the router reads its own way', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp(platform, { transports: { streamableHttp: { path: '/mcp' }, sse: {} } });
    });
    afterAll(() => app.app.close());

    const evil = { host: 'evil.example', origin: 'http://evil.example' };
    const send = (request: RawRequest) => rawRequest(app.port, { headers: MCP_POST_HEADERS, body: initializeBody(), ...request });

    // For each form: whenever the router serves it to the MCP endpoint, the gate applies to it.
    const forms: { name: string; good: () => RawRequest; bad: () => RawRequest }[] = [
      { name: 'a fragment', good: () => ({ path: '/mcp#x' }), bad: () => ({ path: '/mcp#x', headers: { ...MCP_POST_HEADERS, ...evil } }) },
      { name: 'a trailing slash', good: () => ({ path: '/mcp/' }), bad: () => ({ path: '/mcp/', headers: { ...MCP_POST_HEADERS, ...evil } }) },
      { name: 'upper case', good: () => ({ path: '/MCP' }), bad: () => ({ path: '/MCP', headers: { ...MCP_POST_HEADERS, ...evil } }) },
      { name: 'a query', good: () => ({ path: '/mcp?x=1' }), bad: () => ({ path: '/mcp?x=1', headers: { ...MCP_POST_HEADERS, ...evil } }) },
      {
        name: 'the absolute form with a foreign authority',
        good: () => ({ path: `http://127.0.0.1:${app.port}/mcp` }),
        bad: () => ({ path: 'http://evil.example/mcp' }),
      },
    ];

    it.each(forms)('applies the Host/Origin check to $name', async (form) => {
      const before = app.sessions.size;
      const good = await send(form.good());
      const bad = await send(form.bad());
      if (good.status === 200) {
        expect(bad.status).toBe(403);
        expect(messagesOf(bad)[0].error.message).toContain('Forbidden: host');
        expect(app.sessions.size).toBe(before + 1);
      } else {
        // Not routed to the MCP endpoint at all: then the bad one is not served either.
        expect(good.status).toBe(404);
        expect([403, 404]).toContain(bad.status);
        expect(app.sessions.size).toBe(before);
      }
    });

    it('serves the absolute form when its authority is this server', async () => {
      const response = await send({ path: `http://127.0.0.1:${app.port}/mcp` });
      expect(response.status).toBe(200);
    });

    it('applies the MCP body limit to a URL with a fragment', async () => {
      const response = await send({ path: '/mcp#x', body: paddedInitialize(5 * 1024 * 1024) });
      expect(response.status).toBe(413);
      expect(messagesOf(response)[0].error.code).toBe(-32600);
    });

    it('answers HEAD on the MCP and SSE routes with 405 and opens nothing', async () => {
      const sessions = app.sessions.size;
      for (const path of ['/mcp', '/sse']) {
        const response = await rawRequest(app.port, { method: 'HEAD', path, headers: { accept: 'text/event-stream' } });
        expect(response.status).toBe(405);
        expect(String(response.headers.allow)).toContain('GET');
        expect(response.headers['content-type'] ?? '').not.toContain('text/event-stream');
      }
      // A foreign host on HEAD is still a foreign host.
      const foreign = await rawRequest(app.port, { method: 'HEAD', path: '/sse', headers: { host: 'evil.example' } });
      expect(foreign.status).toBe(403);
      expect(app.sessions.size).toBe(sessions);
    });
  });
});

/** An app middleware that reads JSON bodies itself, and one that rewrites an old URL to the MCP path. */
function ownJsonParser(req: IncomingMessage & { body?: unknown }, _res: ServerResponse, next: () => void) {
  if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')) return next();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    next();
  });
}

@Module({})
class RewriteModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer
      .apply((req: IncomingMessage, _res: ServerResponse, next: () => void) => {
        if (req.url?.startsWith('/old-mcp')) req.url = `/mcp${req.url.slice('/old-mcp'.length)}`;
        next();
      })
      .forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}

describe('apps that route or read bodies in ways the gate cannot see (express)', () => {
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'rewrites', version: '1.0.0' }), RewriteModule],
      providers: [HardeningTools],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use(ownJsonParser);
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => app.close());

  it('serves a body an unknown parser in front of the gate has read', async () => {
    const response = await rawRequest(port, { headers: MCP_POST_HEADERS, body: initializeBody() });
    expect(response.status).toBe(200);
  });

  it('checks Host and Origin in the route when a middleware after the gate rewrote the URL', async () => {
    const sessions = app.get(McpSessions).size;
    const good = await rawRequest(port, { path: '/old-mcp', headers: MCP_POST_HEADERS, body: initializeBody() });
    expect(good.status).toBe(200);
    const evil = await rawRequest(port, { path: '/old-mcp', headers: { ...MCP_POST_HEADERS, host: 'evil.example', origin: 'http://evil.example' }, body: initializeBody() });
    expect(evil.status).toBe(403);
    expect(messagesOf(evil)[0].error.message).toContain('Forbidden: host');
    expect(app.get(McpSessions).size).toBe(sessions + 1);
  });
});

describe('an app that serves Nest from an HTTP server of its own (express)', () => {
  let app: INestApplication;
  let server: import('node:http').Server;
  let port: number;
  beforeAll(async () => {
    const { createServer } = await import('node:http');
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'own-server', version: '1.0.0' })],
      providers: [HardeningTools],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    server = createServer(app.getHttpAdapter().getInstance());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  });

  it('still checks the Host on a loopback listener', async () => {
    expect((await rawRequest(port, { headers: MCP_POST_HEADERS, body: initializeBody() })).status).toBe(200);
    const evil = await rawRequest(port, { headers: { ...MCP_POST_HEADERS, host: 'evil.example' }, body: initializeBody() });
    expect(evil.status).toBe(403);
  });
});
