import { request, type IncomingMessage } from 'node:http';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createMcpClient } from '@nestmcp/core/testing';
import { startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, initializeBody, messagesOf, openSession, rawRequest, waitFor } from './fixtures/raw-http.js';

const ping = (app: HardeningApp, session: string, id = 99) =>
  rawRequest(app.port, {
    headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' }),
  });

/** Opens a request whose response stays open; resolves with the response once its headers arrive. */
function openStream(app: HardeningApp, init: { method: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ res: IncomingMessage; close: () => void; text: () => string; ended: Promise<void> }>((resolve, reject) => {
    let text = '';
    const req = request({ host: '127.0.0.1', port: app.port, path: '/mcp', method: init.method, headers: init.headers, agent: false }, (res) => {
      res.setEncoding('utf8');
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', () => undefined);
      resolve({ res, close: () => req.destroy(), text: () => text, ended });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const getStream = (app: HardeningApp, session: string) =>
  openStream(app, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session } });

describe('session lifecycle and limits', () => {
  describe('maxSessions', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp('express', { limits: { maxSessions: 2, retryAfterSeconds: 7 }, health: true });
    });
    afterAll(() => app.app.close());

    it('refuses a new session with 503 and Retry-After when full; existing sessions keep working', async () => {
      const first = await openSession(app.port);
      await openSession(app.port);
      const refused = await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: initializeBody(5) });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('7');
      expect(messagesOf(refused)[0]).toEqual({ jsonrpc: '2.0', id: 5, error: { code: -32000, message: expect.stringContaining('Service Unavailable') } });

      const health = await rawRequest(app.port, { method: 'GET', path: '/mcp/health' });
      expect(health.status).toBe(503);
      expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', server: 'hardening', sessions: 2, maxSessions: 2 });

      expect(messagesOf(await ping(app, first))[0].result).toEqual({});
      await rawRequest(app.port, { method: 'DELETE', headers: { 'mcp-session-id': first } });
      expect(app.sessions.size).toBe(1);
      await openSession(app.port);
      expect((await rawRequest(app.port, { method: 'GET', path: '/mcp/health' })).status).toBe(503);
    });
  });

  describe('idle timeout', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp('express', { limits: { sessionIdleTimeoutMs: 300 } });
    });
    afterAll(() => app.app.close());

    it('closes an abandoned session, frees it, and answers its id with 404; a session with an open stream stays', async () => {
      const abandoned = await openSession(app.port);
      const listening = await openSession(app.port);
      const stream = await getStream(app, listening);
      expect(stream.res.statusCode).toBe(200);
      await waitFor(() => app.sessions.size === 1, 5000, 'the idle session to close');
      expect((await ping(app, abandoned)).status).toBe(404);
      expect(app.sessions.size).toBe(1);

      stream.close();
      await stream.ended;
      await waitFor(() => app.sessions.size === 0, 5000, 'the listening session to close once its stream is gone');
      expect((await ping(app, listening)).status).toBe(404);
    });
  });

  describe('streams and keep-alive', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp('express', { limits: { maxStreamsPerSession: 2, keepAliveMs: 50 } });
    });
    afterAll(() => app.app.close());
    afterEach(() => app.tools.releaseAll());

    it('refuses a response beyond maxStreamsPerSession with 429 and Retry-After', async () => {
      const session = await openSession(app.port);
      const standalone = await getStream(app, session);
      const call = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'wait', arguments: {} } });
      const waiting = openStream(app, { method: 'POST', headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session }, body: call(1) });
      await waitFor(() => app.tools.waiting.size === 1, 5000, 'the call to start');
      const refused = await rawRequest(app.port, { headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session }, body: call(2) });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('5');
      expect(messagesOf(refused)[0]).toMatchObject({ id: 2, error: { code: -32000 } });
      // A second GET stream is refused too (one standalone stream per session).
      expect((await rawRequest(app.port, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session } })).status).toBe(429);
      app.tools.releaseAll();
      await (await waiting).ended;
      expect(messagesOf(await ping(app, session))[0].result).toEqual({});
      standalone.close();
    });

    it('sends keep-alive comments on a long request, then its answer on the same stream', async () => {
      const session = await openSession(app.port);
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'wait', arguments: {} } });
      const stream = await openStream(app, { method: 'POST', headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session }, body });
      expect(stream.res.headers['content-type']).toBe('text/event-stream');
      await waitFor(() => stream.text().includes(': keep-alive'), 5000, 'a keep-alive comment');
      app.tools.releaseAll();
      await stream.ended;
      const answer = messagesOf({ status: 200, headers: stream.res.headers, text: stream.text() });
      expect(answer).toEqual([{ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'released' }] } }]);
    });

  });

  describe('timeouts, cancellation and failures', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp('express', { limits: { requestTimeoutMs: 400 } });
    });
    afterAll(() => app.app.close());
    afterEach(() => app.tools.releaseAll());

    it('answers a request past requestTimeoutMs with -32001, aborts its handler, and goes on', async () => {
      const client = await createMcpClient(app.app);
      const error = await client.callTool({ name: 'hang', arguments: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpError);
      expect((error as McpError).code).toBe(-32001);
      const aborted = app.tools.aborted;
      await expect(client.callTool({ name: 'wait', arguments: {} })).rejects.toMatchObject({ code: -32001 });
      expect(app.tools.aborted).toBe(aborted + 1);
      expect(await client.callTool({ name: 'echo', arguments: { text: 'still here' } })).toMatchObject({ content: [{ text: 'still here' }] });
      await waitFor(() => app.sessions.pendingRequests === 0, 5000, 'no pending requests');
      await client.close();
    });

    it('times out the requests of several sessions, each at its own deadline, on the one clock of the process', async () => {
      const [first, second] = await Promise.all([createMcpClient(app.app), createMcpClient(app.app)]);
      const firstCall = first.callTool({ name: 'wait', arguments: {} }).catch((e: unknown) => e);
      await waitFor(() => app.tools.waiting.size === 1, 5000, 'the first call to start');
      const secondCall = second.callTool({ name: 'wait', arguments: {} }).catch((e: unknown) => e);
      await waitFor(() => app.tools.waiting.size === 2, 5000, 'the second call to start');
      expect(await firstCall).toMatchObject({ code: -32001 });
      expect(await secondCall).toMatchObject({ code: -32001 });
      // Both sessions go on, and a later request gets a deadline of its own again.
      expect(await first.callTool({ name: 'echo', arguments: { text: 'a' } })).toMatchObject({ content: [{ text: 'a' }] });
      await expect(second.callTool({ name: 'hang', arguments: {} })).rejects.toMatchObject({ code: -32001 });
      await waitFor(() => app.sessions.pendingRequests === 0, 5000, 'no pending requests');
      await Promise.all([first.close(), second.close()]);
    });

    it('leaves the server healthy when the client cancels a call or a tool throws', async () => {
      const client = await createMcpClient(app.app);
      const controller = new AbortController();
      const aborted = app.tools.aborted;
      const call = client.callTool({ name: 'wait', arguments: {} }, undefined, { signal: controller.signal });
      await waitFor(() => app.tools.waiting.size === 1, 5000, 'the call to start');
      controller.abort('changed my mind');
      await expect(call).rejects.toThrow();
      await waitFor(() => app.tools.aborted === aborted + 1 && app.sessions.pendingRequests === 0, 5000, 'the handler to see the cancellation');
      expect(await client.callTool({ name: 'fail', arguments: {} })).toMatchObject({ isError: true, content: [{ text: 'boom' }] });
      expect(await client.callTool({ name: 'echo', arguments: { text: 'ok' } })).toMatchObject({ content: [{ text: 'ok' }] });
      await client.close();
    });
  });
});
