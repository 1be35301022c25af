import type { INestApplication } from '@nestjs/common';
import { startApp } from './fixtures/app.js';
import { foundationModule } from './fixtures/foundation/foundation.module.js';
import { ACCEPT_BOTH, initializeRequest, openSession, post, request } from './fixtures/http.js';

const listTools = (id = 2) => ({ jsonrpc: '2.0', id, method: 'tools/list' });

describe('Streamable HTTP sessions and HTTP semantics', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, url } = await startApp({ imports: [foundationModule()] }));
  });
  afterAll(() => app.close());

  it('opens a session on initialize and answers over SSE with the session id', async () => {
    const res = await post(url(), initializeRequest());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('mcp-session-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.messages[0]).toMatchObject({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-11-25', serverInfo: { name: 'foundation' } } });
  });

  it('needs Mcp-Session-Id after initialize (400) and rejects unknown ones (404)', async () => {
    const missing = await post(url(), listTools());
    expect(missing.status).toBe(400);
    expect(missing.messages[0]).toMatchObject({ jsonrpc: '2.0', id: null, error: { message: expect.stringContaining('Mcp-Session-Id') } });
    const unknown = await post(url(), listTools(), { 'mcp-session-id': 'not-a-session' });
    expect(unknown.status).toBe(404);
    expect(unknown.messages[0].error.message).toMatch(/Session not found/);
  });

  it('serves requests in a session, answers notifications with 202, and ends the session on DELETE', async () => {
    const sessionId = await openSession(url());
    const list = await post(url(), listTools(), { 'mcp-session-id': sessionId });
    expect(list.status).toBe(200);
    expect(list.headers.get('mcp-session-id')).toBe(sessionId);
    expect(list.messages[0].result.tools.length).toBeGreaterThan(5);

    const note = await post(url(), { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sessionId });
    expect(note.status).toBe(202);
    expect(note.text).toBe('');

    const deleted = await request(url(), 'DELETE', { 'mcp-session-id': sessionId });
    expect(deleted.status).toBe(200);
    expect((await post(url(), listTools(), { 'mcp-session-id': sessionId })).status).toBe(404);
    expect((await request(url(), 'DELETE', { 'mcp-session-id': sessionId })).status).toBe(404);
  });

  it('refuses re-initialize inside a session', async () => {
    const sessionId = await openSession(url());
    const res = await post(url(), initializeRequest(5), { 'mcp-session-id': sessionId });
    expect(res.status).toBe(400);
    expect(res.messages[0]).toMatchObject({ id: 5, error: { code: -32600 } });
  });

  it('checks MCP-Protocol-Version', async () => {
    const sessionId = await openSession(url());
    const bad = await post(url(), listTools(), { 'mcp-session-id': sessionId, 'mcp-protocol-version': '1999-01-01' });
    expect(bad.status).toBe(400);
    expect(bad.messages[0].error.message).toMatch(/unsupported MCP-Protocol-Version "1999-01-01"/);
    const good = await post(url(), listTools(), { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
    expect(good.status).toBe(200);
  });

  it('answers a bad Accept with 406 and a bad Content-Type with 415, as JSON-RPC bodies', async () => {
    const accept = await post(url(), initializeRequest(), { accept: 'application/json' });
    expect(accept.status).toBe(406);
    expect(accept.headers.get('content-type')).toBe('application/json');
    expect(accept.messages[0].error.message).toMatch(/Not Acceptable/);
    const type = await post(url(), 'hello', { 'content-type': 'text/plain' });
    expect(type.status).toBe(415);
    expect(type.messages[0].error.message).toMatch(/Unsupported Media Type/);
  });

  it('refuses batches and non-JSON-RPC bodies with -32600', async () => {
    const batch = await post(url(), [initializeRequest(1), initializeRequest(2)]);
    expect(batch.status).toBe(400);
    expect(batch.messages[0].error).toMatchObject({ code: -32600, message: expect.stringContaining('batches are not supported') });
    const junk = await post(url(), { hello: 'world' });
    expect(junk.status).toBe(400);
    expect(junk.messages[0].error.code).toBe(-32600);
  });

  it('answers unknown methods with -32601 and bad params with -32602', async () => {
    const sessionId = await openSession(url());
    const unknown = await post(url(), { jsonrpc: '2.0', id: 9, method: 'tools/dance' }, { 'mcp-session-id': sessionId });
    expect(unknown.messages[0]).toMatchObject({ id: 9, error: { code: -32601 } });
    const badParams = await post(url(), { jsonrpc: '2.0', id: 10, method: 'resources/read', params: { uri: 42 } }, { 'mcp-session-id': sessionId });
    expect(badParams.messages[0]).toMatchObject({ id: 10, error: { code: -32602 } });
  });

  it('answers messages the protocol would drop silently (unsafe integer ids, extra members) instead of hanging', async () => {
    const sessionId = await openSession(url());
    const hugeId = await post(url(), '{"jsonrpc":"2.0","id":1e300,"method":"tools/list"}', { 'mcp-session-id': sessionId });
    expect(hugeId.status).toBe(400);
    expect(hugeId.messages[0].error.code).toBe(-32602);
    const extra = await post(url(), { jsonrpc: '2.0', id: 3, method: 'tools/list', result: 1 }, { 'mcp-session-id': sessionId });
    expect(extra.status).toBe(400);
    expect(extra.messages[0]).toMatchObject({ id: 3, error: { code: -32602 } });
  });

  it('opens one standalone SSE stream per session on GET', async () => {
    const sessionId = await openSession(url());
    const controller = new AbortController();
    const stream = await fetch(url(), { headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId }, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const second = await request(url(), 'GET', { accept: 'text/event-stream', 'mcp-session-id': sessionId });
    expect(second.status).toBe(409);
    controller.abort();
    expect((await request(url(), 'GET', { accept: 'application/json', 'mcp-session-id': sessionId })).status).toBe(406);
  });

  it('does not redirect a trailing slash and never answers with HTML', async () => {
    const res = await fetch(url('/mcp/'), { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH }, body: '{}', redirect: 'manual' });
    expect([301, 302, 307, 308]).not.toContain(res.status);
  });
});
