import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnauthorizedException, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { McpModule, McpRegistry, McpSessions, StaticTokenVerifier, type McpModuleOptions } from '@nestmcp/core';
import { startApp } from './fixtures/app.js';
import { MCP_POST_HEADERS, initializeBody, messagesOf, openSession, rawRequest, waitFor } from './fixtures/raw-http.js';
import { LifecycleTools, SlowGuard } from './fixtures/lifecycle/lifecycle.tools.js';

const REV_2026 = '2026-07-28';

interface Started {
  app: INestApplication;
  port: number;
  tools: LifecycleTools;
  sessions: McpSessions;
}

async function start(options: Partial<McpModuleOptions>, guard = false): Promise<Started> {
  const { app } = await startApp({
    imports: [McpModule.forRoot({ name: 'lifecycle', version: '1.0.0', ...options })],
    providers: [LifecycleTools, ...(guard ? [{ provide: APP_GUARD, useClass: SlowGuard }] : [])],
  });
  const port = (app.getHttpServer().address() as { port: number }).port;
  return { app, port, tools: app.get(LifecycleTools), sessions: app.get(McpSessions) };
}

/** A request whose response stays open; its body so far, and whether it ended. */
interface OpenStream {
  req: ClientRequest;
  res?: IncomingMessage;
  /** Settles when the response's headers arrive. */
  ready: Promise<IncomingMessage>;
  text: () => string;
  ended: Promise<void>;
  close: () => void;
}

function openStream(port: number, init: { method: string; path?: string; headers: Record<string, string>; body?: string }): OpenStream {
  let text = '';
  let markEnded!: () => void;
  const ended = new Promise<void>((done) => (markEnded = done));
  let markReady!: (res: IncomingMessage) => void;
  const ready = new Promise<IncomingMessage>((done) => (markReady = done));
  const req = httpRequest({ host: '127.0.0.1', port, path: init.path ?? '/mcp', method: init.method, headers: init.headers, agent: false }, (res) => {
    stream.res = res;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('close', () => markEnded());
    res.on('error', () => undefined);
    markReady(res);
  });
  const stream: OpenStream = { req, ready, text: () => text, ended, close: () => req.destroy() };
  req.on('error', () => undefined);
  req.on('close', () => markEnded());
  req.end(init.body);
  return stream;
}

/** A stream whose headers came at once (GET streams, listen). */
async function openedStream(port: number, init: { method: string; path?: string; headers: Record<string, string>; body?: string }): Promise<OpenStream> {
  const stream = openStream(port, init);
  await Promise.race([stream.ready, stream.ended]);
  return stream;
}

/** Sends a request and gives up on it right away: the client leaves while the server (its guard) is still busy. */
async function leaveDuring(port: number, init: { method: string; path?: string; headers: Record<string, string>; body?: string }): Promise<void> {
  const req = httpRequest({ host: '127.0.0.1', port, path: init.path ?? '/mcp', method: init.method, headers: { ...init.headers, 'x-wait-close': '1' }, agent: false });
  req.on('error', () => undefined);
  req.end(init.body);
  await sleep(50);
  req.destroy();
}

const rpc = (id: number | string, method: string, params: Record<string, unknown> = {}) => JSON.stringify({ jsonrpc: '2.0', id, method, params });

const meta2026 = (capabilities: Record<string, unknown> = {}) => ({
  'io.modelcontextprotocol/protocolVersion': REV_2026,
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': capabilities,
});

function headers2026(method: string, name?: string, token?: string): Record<string, string> {
  return {
    ...MCP_POST_HEADERS,
    'mcp-protocol-version': REV_2026,
    'mcp-method': method,
    ...(name !== undefined && { 'mcp-name': name }),
    ...(token && { authorization: `Bearer ${token}` }),
  };
}

function post2026(port: number, method: string, params: Record<string, unknown>, options: { token?: string; name?: string; capabilities?: Record<string, unknown>; id?: number } = {}) {
  return rawRequest(port, {
    headers: headers2026(method, options.name, options.token),
    body: JSON.stringify({ jsonrpc: '2.0', id: options.id ?? 1, method, params: { ...params, _meta: meta2026(options.capabilities) } }),
  });
}

function listen2026(port: number, notifications: Record<string, unknown>, token?: string) {
  return openedStream(port, {
    method: 'POST',
    headers: headers2026('subscriptions/listen', undefined, token),
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'subscriptions/listen', params: { notifications, _meta: meta2026() } }),
  });
}

/** Reads a legacy SSE stream until its endpoint event; returns the messages URL path. */
async function sseEndpoint(stream: OpenStream): Promise<string> {
  await waitFor(() => /event: endpoint\ndata: (\S+)/.test(stream.text()), 5000, 'the endpoint event');
  return /event: endpoint\ndata: (\S+)/.exec(stream.text())![1];
}

describe('one lifecycle for every transport (issue 11)', () => {
  describe('stateless: no cross-talk between requests on a reused connection', () => {
    let app: Started;
    beforeAll(async () => (app = await start({ transports: { streamableHttp: { stateless: true } } })));
    afterAll(() => app.app.close());

    it('drops what a handler sends after its request was answered, even when a later request has the same id', async () => {
      const first = await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: rpc(1, 'tools/call', { name: 'late', arguments: {} }) });
      expect(messagesOf(first).at(-1)?.result.content[0].text).toBe('answered');
      await sleep(20); // the pool takes the connection back after the response
      const second = openStream(app.port, { method: 'POST', headers: MCP_POST_HEADERS, body: rpc(1, 'tools/call', { name: 'wait', arguments: {} }) });
      await waitFor(() => app.tools.waiting.size === 1, 5000, 'the second call to start');
      await LifecycleTools.lateContext!.log.info('LATE MESSAGE OF THE FIRST CALL');
      app.tools.releaseAll();
      await second.ended;
      expect(second.text()).toContain('released');
      expect(second.text()).not.toContain('LATE MESSAGE');
    });
  });

  describe('a response already closed when the endpoint gets to it frees everything', () => {
    let app: Started;
    beforeAll(async () => (app = await start({ transports: { streamableHttp: {}, sse: {} }, limits: { maxSessions: 2 } }, true)));
    afterAll(() => app.app.close());

    it('legacy SSE: leaves no ghost session that would fill maxSessions', async () => {
      for (let i = 0; i < 3; i++) await leaveDuring(app.port, { method: 'GET', path: '/sse', headers: { accept: 'text/event-stream' } });
      await sleep(100);
      expect(app.sessions.size).toBe(0);
      const stream = await openedStream(app.port, { method: 'GET', path: '/sse', headers: { accept: 'text/event-stream' } });
      expect(stream.res?.statusCode).toBe(200);
      stream.close();
      await waitFor(() => app.sessions.size === 0, 5000, 'the SSE session to end with its stream');
    });

    it('Streamable HTTP: a GET stream whose client left does not hold the standalone stream (no 409 on reconnect)', async () => {
      const session = await openSession(app.port);
      await leaveDuring(app.port, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session } });
      await sleep(100);
      const again = await openedStream(app.port, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session } });
      expect(again.res?.statusCode).toBe(200);
      again.close();
      await rawRequest(app.port, { method: 'DELETE', headers: { 'mcp-session-id': session } });
    });

    it('2026-07-28 subscriptions/listen: leaves no registry listener and no stream behind', async () => {
      const registry = app.app.get(McpRegistry) as unknown as { listListeners: Set<unknown>; resourceListeners: Set<unknown> };
      const before = registry.listListeners.size + registry.resourceListeners.size;
      await leaveDuring(app.port, {
        method: 'POST',
        headers: headers2026('subscriptions/listen'),
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'subscriptions/listen', params: { notifications: { toolsListChanged: true }, _meta: meta2026() } }),
      });
      await sleep(100);
      expect(registry.listListeners.size + registry.resourceListeners.size).toBe(before);
      const health = app.app.get((await import('@nestmcp/core')).McpHealth).check();
      expect(health.streams).toBe(0);
    });
  });

  describe('backpressure and bounds', () => {
    let app: Started;
    beforeAll(async () => (app = await start({ transports: { streamableHttp: {}, sse: {} }, limits: { maxStreamBufferBytes: 256 * 1024, maxSubscriptionsPerSession: 2 } })));
    afterAll(() => app.app.close());

    it('ends a legacy SSE stream whose client stopped reading, past maxStreamBufferBytes', async () => {
      const stream = await openedStream(app.port, { method: 'GET', path: '/sse', headers: { accept: 'text/event-stream' } });
      const messages = await sseEndpoint(stream);
      stream.res!.pause();
      stream.req.socket?.pause();
      const posted = await rawRequest(app.port, { path: messages, headers: MCP_POST_HEADERS, body: rpc(1, 'tools/call', { name: 'chatty', arguments: { count: 3000, size: 10_000 } }) });
      expect(posted.status).toBe(202);
      await waitFor(() => app.sessions.size === 0, 15_000, 'the stalled stream to be ended');
      const after = await rawRequest(app.port, { path: messages, headers: MCP_POST_HEADERS, body: rpc(2, 'ping') });
      expect(after.status).toBe(404);
      stream.close();
    }, 30_000);

    it('resources/subscribe refuses URIs that match no resource, and more than maxSubscriptionsPerSession', async () => {
      const session = await openSession(app.port);
      const subscribe = (id: number, uri: string) =>
        rawRequest(app.port, { headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session }, body: rpc(id, 'resources/subscribe', { uri }) }).then((r) => messagesOf(r)[0]);
      expect(await subscribe(1, 'nothing://here')).toMatchObject({ id: 1, error: { code: -32002, data: { uri: 'nothing://here' } } });
      expect(await subscribe(2, 'files://public')).toMatchObject({ id: 2, result: {} });
      expect(await subscribe(3, 'files://docs/a')).toMatchObject({ id: 3, result: {} });
      expect(await subscribe(4, 'files://public')).toMatchObject({ id: 4, result: {} });
      expect(await subscribe(5, 'files://docs/b')).toMatchObject({ id: 5, error: { code: -32000, message: expect.stringContaining('2 resource subscriptions') } });
      await rawRequest(app.port, { method: 'DELETE', headers: { 'mcp-session-id': session } });
    });
  });

  describe('a client that disconnects cancels its request; requestTimeoutMs on every path', () => {
    let app: Started;
    beforeAll(async () => (app = await start({ transports: { streamableHttp: {}, sse: {} }, limits: { requestTimeoutMs: 400, maxStreamsPerSession: 1 } })));
    afterAll(() => app.app.close());
    afterEach(() => app.tools.releaseAll());

    it('Streamable HTTP: the handler of a request whose client left is aborted, and the request counts until it ends', async () => {
      const session = await openSession(app.port);
      const aborted = app.tools.aborted;
      const call = openStream(app.port, { method: 'POST', headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session }, body: rpc(1, 'tools/call', { name: 'wait', arguments: {} }) });
      await waitFor(() => app.tools.waiting.size === 1, 5000, 'the call to start');
      call.close();
      await waitFor(() => app.tools.aborted === aborted + 1, 5000, "the handler's signal to abort");
      await waitFor(() => app.sessions.pendingRequests === 0, 5000, 'the request to end');
      await rawRequest(app.port, { method: 'DELETE', headers: { 'mcp-session-id': session } });
    });

    it('2026-07-28: a request past requestTimeoutMs gets -32001 and its handler is aborted', async () => {
      const aborted = app.tools.aborted;
      const response = await post2026(app.port, 'tools/call', { name: 'wait', arguments: {} }, { name: 'wait' });
      expect(messagesOf(response).at(-1)).toMatchObject({ id: 1, error: { code: -32001, message: expect.stringContaining('400 ms') } });
      await waitFor(() => app.tools.aborted === aborted + 1, 5000, "the handler's signal to abort");
    });

    it('legacy SSE: a request past requestTimeoutMs gets -32001 and its handler is aborted', async () => {
      const client = new Client({ name: 'sse-timeout', version: '1' });
      await client.connect(new SSEClientTransport(new URL(`http://127.0.0.1:${app.port}/sse`)));
      const aborted = app.tools.aborted;
      const error = await client.callTool({ name: 'wait', arguments: {} }, undefined, { timeout: 20_000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: -32001, message: expect.stringContaining('no answer within 400 ms') });
      await waitFor(() => app.tools.aborted === aborted + 1, 5000, "the handler's signal to abort");
      await client.close();
    });
  });

  describe('a request whose client left keeps counting against maxStreamsPerSession until it ends', () => {
    let app: Started;
    beforeAll(async () => (app = await start({ limits: { maxStreamsPerSession: 1, requestTimeoutMs: 0 } })));
    afterAll(() => app.app.close());

    it('refuses another request while the abandoned one still runs', async () => {
      const session = await openSession(app.port);
      const headers = { ...MCP_POST_HEADERS, 'mcp-session-id': session };
      const call = openStream(app.port, { method: 'POST', headers, body: rpc(1, 'tools/call', { name: 'stubbornly', arguments: {} }) });
      await waitFor(() => app.tools.stubborn.size === 1, 5000, 'the call to start');
      call.close();
      await call.ended;
      await sleep(100);
      // Its handler ignores the abort and runs on: the session's one response slot is still taken.
      expect((await rawRequest(app.port, { headers, body: rpc(2, 'ping') })).status).toBe(429);
      app.tools.releaseAll();
      await waitFor(() => app.sessions.pendingRequests === 0, 5000, 'the request to end');
      expect((await rawRequest(app.port, { headers, body: rpc(3, 'ping') })).status).toBe(200);
    });
  });

  describe('graceful shutdown and one admission path for every transport', () => {
    it('counts legacy SSE sessions in health and maxSessions', async () => {
      const app = await start({ transports: { streamableHttp: {}, sse: {} }, limits: { maxSessions: 1 }, health: true });
      const stream = await openedStream(app.port, { method: 'GET', path: '/sse', headers: { accept: 'text/event-stream' } });
      await sseEndpoint(stream);
      const health = JSON.parse((await rawRequest(app.port, { method: 'GET', path: '/mcp/health' })).text);
      expect(health).toMatchObject({ sessions: 1, streams: 1 });
      const refused = await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: initializeBody() });
      expect(refused.status).toBe(503);
      stream.close();
      await app.app.close();
    });

    it('while draining, refuses new legacy SSE streams and listen streams, ends the open ones, and closes within the drain timeout', async () => {
      const app = await start({ transports: { streamableHttp: {}, sse: {} }, limits: { drainTimeoutMs: 2_000 } });
      const sse = await openedStream(app.port, { method: 'GET', path: '/sse', headers: { accept: 'text/event-stream' } });
      await sseEndpoint(sse);
      const listening = await listen2026(app.port, { toolsListChanged: true });
      await waitFor(() => listening.text().includes('acknowledged'), 5000, 'the listen acknowledgement');
      const session = await openSession(app.port);
      const call = openStream(app.port, { method: 'POST', headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session }, body: rpc(1, 'tools/call', { name: 'wait', arguments: {} }) });
      await waitFor(() => app.tools.waiting.size === 1, 5000, 'the call to start');
      // A 2026-07-28 call whose handler ignores cancellation: its response must not keep the server from closing.
      const stubborn = openStream(app.port, {
        method: 'POST',
        headers: headers2026('tools/call', 'stubbornly'),
        body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'stubbornly', arguments: {}, _meta: meta2026() } }),
      });
      await waitFor(() => app.tools.stubborn.size === 1, 5000, 'the 2026 call to start');
      const closing = app.app.close();
      await sleep(100);
      const sseRefused = await rawRequest(app.port, { method: 'GET', path: '/sse', headers: { accept: 'text/event-stream' } });
      expect(sseRefused.status).toBe(503);
      const listenRefused = await post2026(app.port, 'subscriptions/listen', { notifications: { toolsListChanged: true } });
      expect(listenRefused.status).toBe(503);
      await listening.ended;
      for (const release of [...app.tools.waiting]) release();
      await call.ended;
      expect(call.text()).toContain('released');
      await closing;
      await sse.ended;
      await stubborn.ended;
      app.tools.releaseAll();
    }, 20_000);
  });

  describe('per-caller session cap (maxSessionsPerPrincipal)', () => {
    it('caps anonymous callers by client address', async () => {
      const app = await start({ limits: { maxSessionsPerPrincipal: 2 } });
      await openSession(app.port);
      await openSession(app.port);
      const refused = await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: initializeBody(9) });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('5');
      expect(messagesOf(refused)[0]).toMatchObject({ id: 9, error: { code: -32000, message: expect.stringContaining('maxSessionsPerPrincipal') } });
      await app.app.close();
    });

    it('caps each principal on its own', async () => {
      const verifier = new StaticTokenVerifier({ alice: { subject: 'alice' }, bob: { subject: 'bob' } });
      const app = await start({ auth: { verifier }, limits: { maxSessionsPerPrincipal: 1 } });
      const as = (token: string) => ({ authorization: `Bearer ${token}` });
      await openSession(app.port, as('alice'));
      expect((await rawRequest(app.port, { headers: { ...MCP_POST_HEADERS, ...as('alice') }, body: initializeBody() })).status).toBe(429);
      expect((await rawRequest(app.port, { headers: { ...MCP_POST_HEADERS, ...as('bob') }, body: initializeBody() })).status).toBe(200);
      await app.app.close();
    });
  });

  describe('2026-07-28: the same access rules and input checks as everything else', () => {
    let app: Started;
    const verifier = new StaticTokenVerifier({
      reader: { subject: 'reader', issuer: 'https://idp.test', scopes: ['files:read'] },
      plain: { subject: 'plain', issuer: 'https://idp.test' },
      'alice-1': { subject: 'alice', issuer: 'https://idp.test' },
      'alice-2': { subject: 'alice', issuer: 'https://idp.test' },
      'bob-1': { subject: 'bob', issuer: 'https://idp.test' },
    });
    beforeAll(async () => (app = await start({ auth: { verifier } })));
    afterAll(() => app.app.close());

    it('subscriptions/listen to a scoped resource needs its scopes (403), and anonymous callers get public ones only (401)', async () => {
      const refused = await listen2026(app.port, { resourceSubscriptions: ['files://secret'] }, 'plain');
      await refused.ended;
      expect(refused.res?.statusCode).toBe(403);
      expect(refused.res?.headers['www-authenticate']).toContain('insufficient_scope');
      const anonymous = await listen2026(app.port, { resourceSubscriptions: ['files://secret'] });
      await anonymous.ended;
      expect(anonymous.res?.statusCode).toBe(401);
      const allowed = await listen2026(app.port, { resourceSubscriptions: ['files://secret', 'files://nothing'] }, 'reader');
      await waitFor(() => allowed.text().includes('acknowledged'), 5000, 'the acknowledgement');
      expect(allowed.text()).toContain('"resourceSubscriptions":["files://secret"]');
      allowed.close();
      const publicOnly = await listen2026(app.port, { resourceSubscriptions: ['files://public'] });
      await waitFor(() => publicOnly.text().includes('acknowledged'), 5000, 'the acknowledgement');
      expect(publicOnly.res?.statusCode).toBe(200);
      publicOnly.close();
    });

    it('validates elicitation answers against the requested schema (-32602)', async () => {
      const capabilities = { elicitation: { form: {} } };
      const first = messagesOf(await post2026(app.port, 'tools/call', { name: 'confirm', arguments: { item: 'a' } }, { token: 'alice-1', name: 'confirm', capabilities }))[0];
      expect(first.result).toMatchObject({ resultType: 'input_required' });
      const retry = messagesOf(
        await post2026(
          app.port,
          'tools/call',
          { name: 'confirm', arguments: { item: 'a' }, requestState: first.result.requestState, inputResponses: { 'elicit-0': { action: 'accept', content: { confirm: 'yes' } } } },
          { token: 'alice-1', name: 'confirm', capabilities },
        ),
      )[0];
      expect(retry).toMatchObject({ error: { code: -32602, message: expect.stringContaining('does not match requested schema') } });
    });

    it('binds requestState to the principal: a refreshed token of the same subject finishes the round trip, another subject cannot', async () => {
      const capabilities = { elicitation: { form: {} } };
      const ask = (token: string, extra: Record<string, unknown> = {}) =>
        post2026(app.port, 'tools/call', { name: 'confirm', arguments: { item: 'b' }, ...extra }, { token, name: 'confirm', capabilities }).then((r) => messagesOf(r)[0]);
      const first = await ask('alice-1');
      const answer = { 'elicit-0': { action: 'accept', content: { confirm: true } } };
      const stolen = await ask('bob-1', { requestState: first.result.requestState, inputResponses: answer });
      expect(stolen).toMatchObject({ error: { code: -32602, message: expect.stringContaining('another caller') } });
      const refreshed = await ask('alice-2', { requestState: first.result.requestState, inputResponses: answer });
      expect(refreshed.result.content[0].text).toBe('deleted b');
    });

    it('completion/complete without an argument is -32602, as on 2025', async () => {
      const response = await post2026(app.port, 'completion/complete', { ref: { type: 'ref/prompt', name: 'greet' } }, { token: 'plain' });
      expect(messagesOf(response)[0]).toMatchObject({ error: { code: -32602 } });
    });
  });

  describe("2026-07-28: requestState bound to the principal the app's own guard established (no module auth)", () => {
    /** An app's own global guard, as a passport strategy would be: req.user from the bearer token "<subject>-<n>". */
    class BearerUserGuard implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        if (context.getType() !== 'http') return true;
        const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
        const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (!token) throw new UnauthorizedException();
        request.user = { sub: token.split('-')[0], iss: 'https://idp.test' };
        return true;
      }
    }
    let port: number;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const { app } = await startApp({
        imports: [McpModule.forRoot({ name: 'app-guarded', version: '1.0.0' })],
        providers: [LifecycleTools, { provide: APP_GUARD, useClass: BearerUserGuard }],
      });
      port = (app.getHttpServer().address() as { port: number }).port;
      close = () => app.close();
    });
    afterAll(() => close());

    it('a refreshed token of the same subject finishes the round trip, another subject cannot', async () => {
      const capabilities = { elicitation: { form: {} } };
      const ask = (token: string, extra: Record<string, unknown> = {}) =>
        post2026(port, 'tools/call', { name: 'confirm', arguments: { item: 'c' }, ...extra }, { token, name: 'confirm', capabilities }).then((r) => messagesOf(r)[0]);
      const first = await ask('alice-1');
      expect(first.result).toMatchObject({ resultType: 'input_required' });
      const answer = { 'elicit-0': { action: 'accept', content: { confirm: true } } };
      const stolen = await ask('bob-1', { requestState: first.result.requestState, inputResponses: answer });
      expect(stolen).toMatchObject({ error: { code: -32602, message: expect.stringContaining('another caller') } });
      const refreshed = await ask('alice-2', { requestState: first.result.requestState, inputResponses: answer });
      expect(refreshed.result.content[0].text).toBe('deleted c');
    });
  });
});
