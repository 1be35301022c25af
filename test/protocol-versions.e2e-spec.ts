import type { INestApplication } from '@nestjs/common';
import { Client as ClientV2, StreamableHTTPClientTransport as StreamableHTTPClientTransportV2 } from '@modelcontextprotocol/client';
import { McpModule } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { DualEraTools } from './fixtures/dual-era/dual-era.tools.js';

const MODERN = '2026-07-28';

 
type Rpc = { result?: any; error?: any };
const asRpc = (body: unknown) => body as Rpc;

async function modernClient(url: URL, capabilities: Record<string, unknown> = {}): Promise<ClientV2> {
  const client = new ClientV2({ name: 'modern-test', version: '1.0.0' }, { capabilities, versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransportV2(url));
  return client;
}

/** A raw 2026-07-28 request, as fetch sends it. */
function post(url: URL, method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}, meta: Record<string, unknown> = {}) {
  const name = (params.name ?? params.uri) as string | undefined;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(name !== undefined && { 'mcp-name': name }),
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
          ...meta,
        },
      },
    }),
  });
}

describe('one endpoint, both protocol eras', () => {
  let app: INestApplication;
  let url: URL;
  let tools: DualEraTools;

  beforeAll(async () => {
    const started = await startApp({ imports: [McpModule.forRoot({ name: 'dual', version: '1.0.0' })], providers: [DualEraTools] });
    app = started.app;
    url = started.url('/mcp');
    tools = app.get(DualEraTools);
  });
  afterAll(() => app.close());

  it('serves the SDK v2 client in the 2026-07-28 era after server/discover', async () => {
    const client = await modernClient(url);
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(client.getServerVersion()?.name).toBe('dual');
    const { tools: listed } = await client.listTools();
    expect(listed.map((tool) => tool.name).sort()).toEqual(['add', 'chatty', 'remove', 'wait', 'whoami']);
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(result.content).toEqual([{ type: 'text', text: '5' }]);
    const resource = await client.readResource({ uri: 'notes://7' });
    expect(resource.contents[0]).toMatchObject({ uri: 'notes://7', text: JSON.stringify({ id: '7' }) });
    const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
    expect(prompt.messages[0].content).toEqual({ type: 'text', text: 'Hello Ada' });
    const completion = await client.complete({ ref: { type: 'ref/resource', uri: 'notes://{id}' }, argument: { name: 'id', value: '1' } });
    expect(completion.completion.values).toEqual(['1', '2', '10']);
    await client.close();
  });

  it('serves the SDK 1.32 client in the 2025-11-25 era on the same path, from the same registry', async () => {
    const client = await createMcpClient(app);
    expect(client.getServerVersion()?.name).toBe('dual');
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(result.content).toEqual([{ type: 'text', text: '5' }]);
    await client.close();
  });

  it('runs the Nest pipeline and the request context the same way in both eras', async () => {
    const modern = new ClientV2({ name: 'modern-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await modern.connect(new StreamableHTTPClientTransportV2(url, { requestInit: { headers: { 'x-user': 'ada' } } }));
    const legacy = await createMcpClient(app, { headers: { 'x-user': 'bob' } });
    expect((await modern.callTool({ name: 'whoami', arguments: {} })).content).toEqual([{ type: 'text', text: 'ada via context' }]);
    expect((await legacy.callTool({ name: 'whoami', arguments: {} })).content).toEqual([{ type: 'text', text: 'bob via context' }]);
    await Promise.all([modern.close(), legacy.close()]);

    const blockedModern = new ClientV2({ name: 'modern-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await blockedModern.connect(new StreamableHTTPClientTransportV2(url, { requestInit: { headers: { 'x-block': '1' } } }));
    const blockedLegacy = await createMcpClient(app, { headers: { 'x-block': '1' } });
    for (const client of [blockedModern, blockedLegacy]) {
      const result = await (client as ClientV2).callTool({ name: 'whoami', arguments: {} });
      expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'blocked by HeaderGateGuard' }] });
    }
    await Promise.all([blockedModern.close(), blockedLegacy.close()]);
  });

  it('gives runtime registrations to both eras', async () => {
    tools.registry.registerTool({ name: 'late', description: 'added at run time' }, async () => 'late answer');
    try {
      const modern = await modernClient(url);
      const legacy = await createMcpClient(app);
      expect((await modern.callTool({ name: 'late', arguments: {} })).content).toEqual([{ type: 'text', text: 'late answer' }]);
      expect((await legacy.callTool({ name: 'late', arguments: {} })).content).toEqual([{ type: 'text', text: 'late answer' }]);
      await Promise.all([modern.close(), legacy.close()]);
    } finally {
      tools.registry.removeTool('late');
    }
  });

  it('puts ttlMs and cacheScope on list results and resources/read', async () => {
    const list = await (await post(url, 'tools/list')).json().then(asRpc);
    expect(list.result).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
    const read = await (await post(url, 'resources/read', { uri: 'notes://index' })).json().then(asRpc);
    expect(read.result).toMatchObject({ ttlMs: 5_000, cacheScope: 'public' });
  });

  it('answers the removed methods with 404 / -32601', async () => {
    for (const method of ['initialize', 'ping']) {
      const response = await post(url, method, method === 'initialize' ? { protocolVersion: MODERN, capabilities: {}, clientInfo: { name: 'x', version: '1' } } : {});
      expect(response.status).toBe(404);
      expect((await response.json().then(asRpc)).error.code).toBe(-32601);
    }
  });

  it('checks the headers against the body (-32020)', async () => {
    const wrongMethod = await post(url, 'tools/list', {}, { 'mcp-method': 'prompts/list' });
    expect(wrongMethod.status).toBe(400);
    expect((await wrongMethod.json().then(asRpc)).error.code).toBe(-32020);
    const wrongName = await post(url, 'tools/call', { name: 'add', arguments: { a: 1, b: 1 } }, { 'mcp-name': 'other' });
    expect(wrongName.status).toBe(400);
    expect((await wrongName.json().then(asRpc)).error.code).toBe(-32020);
    const noVersion = await post(url, 'tools/list', {}, { 'mcp-protocol-version': '2025-11-25' });
    expect((await noVersion.json().then(asRpc)).error.code).toBe(-32020);
  });

  it('refuses an unsupported revision with the supported list (-32022)', async () => {
    const response = await post(url, 'tools/list', {}, { 'mcp-protocol-version': '2099-01-01' }, { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' });
    expect(response.status).toBe(400);
    const body = await response.json().then(asRpc);
    expect(body.error.code).toBe(-32022);
    expect(body.error.data.supported).toContain(MODERN);
  });

  it('streams progress and logs on the request\'s own response, gated by _meta.logLevel', async () => {
    const silent = await post(url, 'tools/call', { name: 'chatty', arguments: {} });
    expect(silent.headers.get('content-type')).toContain('application/json');
    expect((await silent.json().then(asRpc)).result.content).toEqual([{ type: 'text', text: 'done' }]);

    const verbose = await post(url, 'tools/call', { name: 'chatty', arguments: {} }, {}, {
      'io.modelcontextprotocol/logLevel': 'info',
      progressToken: 'p1',
    });
    expect(verbose.headers.get('content-type')).toContain('text/event-stream');
    const frames = (await verbose.text()).split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)));
    expect(frames.map((frame) => frame.method ?? 'result')).toEqual(['notifications/message', 'notifications/progress', 'result']);
    expect(frames[0].params).toMatchObject({ level: 'info', data: 'info line' });
  });

  it('cancels the tool when the client closes the stream', async () => {
    const before = tools.cancelled;
    const controller = new AbortController();
    const aborted = fetch(url, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'wait' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'wait', arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } } }),
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await aborted;
    for (let i = 0; i < 50 && tools.cancelled === before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tools.cancelled).toBeGreaterThan(before);
  });
});
