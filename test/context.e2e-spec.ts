import type { INestApplication } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { McpModule, McpRegistry, McpSessions } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { ContextTools } from './fixtures/context.tools.js';
import { EchoTools } from './fixtures/echo.tools.js';
import { RawSession } from './fixtures/raw-session.js';

const text = (result: Record<string, unknown>) => (result.content as { text: string }[])[0]?.text;
const json = (result: Record<string, unknown>) => JSON.parse(text(result));

describe('request context and McpContext', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  beforeAll(async () => {
    ({ app, url } = await startApp({
      imports: [McpModule.forRoot({ name: 'ctx', version: '1.0.0', transports: { streamableHttp: {}, sse: {} } })],
      providers: [ContextTools, EchoTools],
    }));
  });
  afterAll(() => app.close());

  describe('request context', () => {
    it('gives each call of one session its own HTTP request and headers', async () => {
      const session = await RawSession.open(url());
      const first = await session.request('tools/call', { name: 'whoami', arguments: {} }, { 'x-call': 'one' });
      const second = await session.request('tools/call', { name: 'whoami', arguments: {} }, { 'x-call': 'two' });
      expect(JSON.parse(first.response!.result.content[0].text)).toEqual({ before: 'one', after: 'one', fromRequest: 'one', sessionId: session.sessionId, same: true });
      expect(JSON.parse(second.response!.result.content[0].text)).toEqual({ before: 'two', after: 'two', fromRequest: 'two', sessionId: session.sessionId, same: true });
      await session.close();
    });

    it('never lets concurrent calls of one session see each other’s request', async () => {
      const session = await RawSession.open(url());
      const calls = ['a', 'b', 'c', 'd'].map((tag, index) =>
        session.request('tools/call', { name: 'whoami', arguments: { delayMs: (4 - index) * 60 } }, { 'x-call': tag }),
      );
      const answers = await Promise.all(calls);
      expect(answers.map((answer) => JSON.parse(answer.response!.result.content[0].text).before)).toEqual(['a', 'b', 'c', 'd']);
      expect(answers.map((answer) => JSON.parse(answer.response!.result.content[0].text).after)).toEqual(['a', 'b', 'c', 'd']);
      await session.close();
    });

    it('leaves out transport headers and authorization unless asked', async () => {
      const client = await createMcpClient(app, { headers: { authorization: 'Bearer secret', 'x-tenant': 't1', 'proxy-authorization': 'p' } });
      const plain = json(await client.callTool({ name: 'headers', arguments: {} }));
      expect(plain['x-tenant']).toBe('t1');
      for (const name of ['authorization', 'proxy-authorization', 'host', 'content-type', 'accept', 'mcp-session-id', 'mcp-protocol-version', 'content-length', 'connection']) {
        expect(plain).not.toHaveProperty(name);
      }
      expect(json(await client.callTool({ name: 'headers', arguments: { include: ['Authorization'] } })).authorization).toBe('Bearer secret');
      const all = json(await client.callTool({ name: 'headers', arguments: { all: true } }));
      expect(all).toMatchObject({ authorization: 'Bearer secret', 'mcp-session-id': expect.any(String), host: expect.any(String) });
      await client.close();
    });
  });

  describe('McpContext', () => {
    it('knows the session, the request id and the client', async () => {
      const client = await createMcpClient(app, { name: 'ctx-client', capabilities: { elicitation: {} } });
      const info = json(await client.callTool({ name: 'info', arguments: {} }));
      expect(info).toMatchObject({ sessionId: expect.any(String), client: { name: 'ctx-client', version: '1.0.0' }, capabilities: { elicitation: {} } });
      expect(typeof info.requestId === 'number' || typeof info.requestId === 'string').toBe(true);
      await client.close();
    });

    it('reports progress only when the client asked for it', async () => {
      const client = await createMcpClient(app);
      const progress: unknown[] = [];
      const withToken = await client.callTool({ name: 'progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p) });
      expect(json(withToken)).toEqual({ sent: [true, true, true] });
      expect(progress).toEqual([1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step}` })));
      expect(json(await client.callTool({ name: 'progress', arguments: {} }))).toEqual({ sent: [false, false, false] });
      await client.close();
    });

    it('sends logs at or above the level set with logging/setLevel', async () => {
      const client = await createMcpClient(app);
      const received: { level: string; data: unknown }[] = [];
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void received.push({ level: n.params.level, data: n.params.data }));
      await client.callTool({ name: 'logs', arguments: {} });
      expect(received.map((r) => r.level)).toEqual(['debug', 'info', 'warning', 'error']);
      received.length = 0;
      await client.setLoggingLevel('warning');
      await client.callTool({ name: 'logs', arguments: {} });
      expect(received).toEqual([{ level: 'warning', data: 'a warning' }, { level: 'error', data: 'an error' }]);
      await client.close();
    });

    it('elicits and samples through the client', async () => {
      const client = await createMcpClient(app, { capabilities: { elicitation: { form: {} }, sampling: {} } });
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        expect(request.params.message).toBe('What is your name?');
        return { action: 'accept', content: { name: 'Ada' } };
      });
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: 'assistant', model: 'test', content: { type: 'text', text: 'yes' } }));
      expect(text(await client.callTool({ name: 'ask', arguments: {} }))).toBe('Hello Ada');
      expect(text(await client.callTool({ name: 'think', arguments: {} }))).toBe('model said yes');
      await client.close();
    });

    it('says clearly when the client lacks the capability', async () => {
      const client = await createMcpClient(app);
      const result = await client.callTool({ name: 'ask', arguments: {} });
      expect(result).toEqual({ content: [{ type: 'text', text: 'elicit() is not possible: the client did not declare the "elicitation" capability.' }], isError: true });
      await client.close();
    });

    it('aborts the signal on notifications/cancelled, ends the HTTP response and leaves nothing in flight', async () => {
      const session = await RawSession.open(url());
      const transport = app.get(McpSessions).get(session.sessionId)!.transport;
      const { id, response } = session.start('tools/call', { name: 'wait', arguments: { tag: 'cancel-me' } });
      for (let i = 0; i < 200 && transport.pendingRequests === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(transport.pendingRequests).toBe(1);
      await session.notify('notifications/cancelled', { requestId: id, reason: 'test' });
      // The HTTP response of the cancelled request ends, without a JSON-RPC response.
      const ended = await response;
      expect(await ended.text()).toBe('');
      for (let i = 0; i < 100 && !ContextTools.aborted.includes('cancel-me'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(ContextTools.aborted).toContain('cancel-me');
      expect(transport.pendingRequests).toBe(0);
      // The session still works.
      const after = await session.request('tools/call', { name: 'echo', arguments: { text: 'still here' } });
      expect(after.response!.result.content[0].text).toBe('still here');
      await session.close();
    });

    it('gives a method that first reads its signal after the cancellation an aborted signal with the reason', async () => {
      const session = await RawSession.open(url());
      const transport = app.get(McpSessions).get(session.sessionId)!.transport;
      ContextTools.releaseLate = undefined;
      const { id, response } = session.start('tools/call', { name: 'lateSignal', arguments: {} });
      for (let i = 0; i < 200 && !ContextTools.releaseLate; i++) await new Promise((r) => setTimeout(r, 10));
      await session.notify('notifications/cancelled', { requestId: id, reason: 'late test' });
      expect(await (await response).text()).toBe('');
      ContextTools.releaseLate!();
      for (let i = 0; i < 100 && ContextTools.lateSignals.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(ContextTools.lateSignals).toEqual([{ aborted: true, reason: 'late test' }]);
      for (let i = 0; i < 100 && transport.pendingRequests > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(transport.pendingRequests).toBe(0);
      await session.close();
    });
  });

  describe('runtime registration and subscriptions', () => {
    it('sends list_changed on the standalone stream when tools, resources and prompts come and go; new tools are callable', async () => {
      const registry = app.get(McpRegistry);
      const session = await RawSession.open(url());
      const stream = await session.openStream();
      registry.registerTool({ name: 'late', description: 'Added at run time' }, async () => 'late answer');
      expect(await stream.nextMessage()).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
      const call = await session.request('tools/call', { name: 'late', arguments: {} });
      expect(call.response!.result.content).toEqual([{ type: 'text', text: 'late answer' }]);
      expect(registry.removeTool('late')).toBe(true);
      expect(await stream.nextMessage()).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
      const gone = await session.request('tools/call', { name: 'late', arguments: {} });
      expect(gone.response!.error).toMatchObject({ code: -32602, message: expect.stringContaining('Unknown tool: late') });

      registry.registerResource({ name: 'late-res', uri: 'late://res' }, async () => 'r');
      expect(await stream.nextMessage()).toEqual({ jsonrpc: '2.0', method: 'notifications/resources/list_changed' });
      registry.removeResource('late://res');
      expect(await stream.nextMessage()).toEqual({ jsonrpc: '2.0', method: 'notifications/resources/list_changed' });
      registry.registerPrompt({ name: 'late-prompt' }, async () => 'p');
      expect(await stream.nextMessage()).toEqual({ jsonrpc: '2.0', method: 'notifications/prompts/list_changed' });
      registry.removePrompt('late-prompt');
      expect(await stream.nextMessage()).toEqual({ jsonrpc: '2.0', method: 'notifications/prompts/list_changed' });
      await session.close();
    });

    it('tells legacy SSE clients about list changes too', async () => {
      const client = new Client({ name: 'sse', version: '1.0.0' });
      await client.connect(new SSEClientTransport(url('/sse')));
      const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
      const registry = app.get(McpRegistry);
      registry.registerTool({ name: 'late_sse' }, async () => 'ok');
      await changed;
      expect(text(await client.callTool({ name: 'late_sse', arguments: {} }))).toBe('ok');
      registry.removeTool('late_sse');
      await client.close();
    });

    it('sends resources/updated to the sessions subscribed to that URI, until they unsubscribe', async () => {
      const registry = app.get(McpRegistry);
      const session = await RawSession.open(url());
      const stream = await session.openStream();
      expect((await session.request('resources/subscribe', { uri: 'counter://value' })).response!.result).toEqual({});
      registry.notifyResourceUpdated('other://thing');
      registry.notifyResourceUpdated('counter://value');
      expect(await stream.nextMessage()).toEqual({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'counter://value' } });
      await session.request('resources/unsubscribe', { uri: 'counter://value' });
      registry.notifyResourceUpdated('counter://value');
      registry.registerTool({ name: 'marker' }, async () => '');
      // The next message is the marker's list_changed: no update was sent after unsubscribing.
      expect(await stream.nextMessage()).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
      registry.removeTool('marker');
      await session.close();
    });
  });

  describe('stateless server', () => {
    let stateless: INestApplication;
    beforeAll(async () => {
      ({ app: stateless } = await startApp({
        imports: [McpModule.forRoot({ name: 'stateless', version: '1.0.0', transports: { streamableHttp: { stateless: true } } })],
        providers: [ContextTools],
      }));
    });
    afterAll(() => stateless.close());

    it('explains that elicit() and sample() need a session', async () => {
      const client = await createMcpClient(stateless, { capabilities: { elicitation: {}, sampling: {} } });
      const result = await client.callTool({ name: 'ask', arguments: {} });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('elicit() needs a server-to-client request, which a stateless server cannot make');
      expect(text(await client.callTool({ name: 'think', arguments: {} }))).toContain('sample() needs a server-to-client request');
      await client.close();
    });
  });
});
