import { request } from 'node:http';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, initializeBody, messagesOf, openSession, rawRequest, waitFor } from './fixtures/raw-http.js';

const MiB = 1024 * 1024;

describe.each(PLATFORMS)('bad input on the MCP endpoint (%s)', (platform) => {
  let app: HardeningApp;
  let session: string;
  beforeAll(async () => {
    app = await startHardeningApp(platform, { limits: { drainTimeoutMs: 1000 } });
    session = await openSession(app.port);
  });
  afterAll(() => app.app.close());

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(app.port, { headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session, ...headers }, body });
  const call = (id: number, method: string, params?: unknown) => post(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  const errorOf = async (response: Promise<Awaited<ReturnType<typeof post>>>) => {
    const answer = await response;
    return { status: answer.status, error: messagesOf(answer)[0]?.error as { code: number; message: string } | undefined };
  };

  it('takes bodies larger than the app parser limit on the MCP route only', async () => {
    const text = 'x'.repeat(2 * MiB);
    const answer = await call(1, 'tools/call', { name: 'echo', arguments: { text } });
    expect(answer.status).toBe(200);
    expect(messagesOf(answer)[0].result.content[0].text).toHaveLength(2 * MiB);
    const plain = await rawRequest(app.port, { path: '/plain', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    expect(plain.status).toBe(413);
  });

  it('refuses a body over maxBodyBytes with 413 and a JSON-RPC error', async () => {
    const { status, error } = await errorOf(call(2, 'tools/call', { name: 'echo', arguments: { text: 'x'.repeat(5 * MiB) } }));
    expect(status).toBe(413);
    expect(error).toEqual({ code: -32600, message: expect.stringContaining('Payload Too Large') });
  });

  it('answers invalid JSON with 400 -32700', async () => {
    for (const body of ['{bad', '', '{"jsonrpc":"2.0",', '\u0000']) {
      expect(await errorOf(post(body))).toEqual({ status: 400, error: { code: -32700, message: expect.stringContaining('Parse error') } });
    }
  });

  it('answers invalid UTF-8 with 400', async () => {
    const bytes = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":3,"method":"ping","params":{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}')]);
    const { status, error } = await errorOf(post(bytes));
    // Strict UTF-8 on both platforms: the MCP routes' bodies are read by the same reader (issue 11).
    expect({ status, code: error?.code }).toEqual({ status: 400, code: -32700 });
  });

  it('answers a body that is not a JSON-RPC message with 400 -32600', async () => {
    for (const body of ['{"hello":1}', '"text"', '42', 'null', '{"jsonrpc":"1.0","id":1,"method":"ping"}', '{"jsonrpc":"2.0","id":{},"method":"ping"}']) {
      const { status, error } = await errorOf(post(body));
      expect({ status, code: error?.code }).toEqual({ status: 400, code: -32600 });
    }
  });

  it('refuses a batch (removed in 2025-06-18) with 400 -32600', async () => {
    const batch = JSON.stringify([{ jsonrpc: '2.0', id: 4, method: 'ping' }]);
    const { status, error } = await errorOf(post(batch));
    expect({ status, code: error?.code, message: error?.message }).toEqual({ status: 400, code: -32600, message: expect.stringContaining('batches') });
  });

  it('answers an unknown method with -32601', async () => {
    expect((await errorOf(call(5, 'tools/explode'))).error?.code).toBe(-32601);
  });

  it('answers wrong param types with -32602, for every method', async () => {
    const cases: [string, unknown][] = [
      ['ping', { _meta: 5 }],
      ['ping', { _meta: { progressToken: {} } }],
      ['tools/list', { _meta: 'x' }],
      ['tools/list', { cursor: 5 }],
      ['tools/call', { name: 5 }],
      ['tools/call', { name: 'echo', arguments: 'text' }],
      ['resources/list', { cursor: {} }],
      ['resources/templates/list', { cursor: [] }],
      ['resources/read', { uri: 5 }],
      ['resources/subscribe', {}],
      ['resources/unsubscribe', { uri: null }],
      ['prompts/list', { cursor: 1 }],
      ['prompts/get', { name: 5 }],
      ['completion/complete', { ref: 'x' }],
      ['logging/setLevel', { level: 'loud' }],
    ];
    let id = 100;
    for (const [method, params] of cases) {
      const { status, error } = await errorOf(call(id++, method, params));
      expect({ method, code: error?.code }).toEqual({ method, code: -32602 });
      expect([200, 400]).toContain(status);
    }
  });

  it('answers an initialize with wrong param types with -32602 and opens no session', async () => {
    const before = app.sessions.size;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 5, capabilities: 'all' } });
    const answer = await rawRequest(app.port, { headers: MCP_POST_HEADERS, body });
    expect(answer.status).toBe(400);
    expect(messagesOf(answer)[0]).toMatchObject({ id: 1, error: { code: -32602 } });
    expect(app.sessions.size).toBe(before);
  });

  it('answers a wrong Accept with 406 and a wrong Content-Type with 415', async () => {
    expect((await errorOf(post(initializeBody(), { accept: 'text/html' }))).status).toBe(406);
    expect((await errorOf(post('x=1', { 'content-type': 'application/x-www-form-urlencoded' }))).status).toBe(415);
    expect((await errorOf(post('{}', { 'content-type': 'text/plain' }))).status).toBe(415);
  });

  it('refuses prototype-pollution keys and pollutes nothing', async () => {
    const body = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo_json","arguments":{"__proto__":{"polluted":true}}}}`;
    const { status } = await errorOf(post(body));
    expect(status).toBe(400);
    const nested = `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo_json","arguments":{"constructor":{"prototype":{"polluted":true}}}}}`;
    expect((await errorOf(post(nested))).status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // "constructor" as an ordinary key is fine.
    const ordinary = await call(9, 'tools/call', { name: 'echo_json', arguments: { constructor: 'x' } });
    expect(messagesOf(ordinary)[0].result.content[0].text).toBe('{"constructor":"x"}');
  });

  it('refuses deep nesting with 400 -32600, and takes huge strings', async () => {
    const depth = 50_000;
    const deep = `{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo_json","arguments":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    expect(await errorOf(post(deep))).toEqual({ status: 400, error: { code: -32600, message: expect.stringContaining('deeper than 64') } });
    const deepObject = `{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"echo_json","arguments":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
    expect((await post(deepObject)).status).toBe(400);
    const fine = await call(14, 'tools/call', { name: 'echo_json', arguments: { a: JSON.parse('['.repeat(50) + ']'.repeat(50)) } });
    expect(messagesOf(fine)[0].result.isError).toBeUndefined();
    const huge = await call(12, 'tools/call', { name: 'echo', arguments: { text: '\u{1F600}'.repeat(500_000) } });
    expect(huge.status).toBe(200);
    expect((await call(13, 'ping')).status).toBe(200);
  });

  it('survives a client that disconnects mid-request, and frees what the request held', async () => {
    const session2 = await openSession(app.port);
    const req = request({
      host: '127.0.0.1',
      port: app.port,
      method: 'POST',
      path: '/mcp',
      headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session2 },
    });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'wait', arguments: {} } }));
    await waitFor(() => app.tools.waiting.size === 1, 5000, 'the tool to start');
    req.destroy();
    await waitFor(() => app.sessions.pendingRequests === 0, 5000, 'the request to be dropped');
    app.tools.releaseAll();
    const after = await rawRequest(app.port, {
      headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session2 },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
    });
    expect(messagesOf(after)[0]).toEqual({ jsonrpc: '2.0', id: 2, result: {} });
  });
});
