import { connect } from 'node:net';
import { McpLifecycle } from '../packages/core/src/lifecycle/mcp-lifecycle.js';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, messagesOf, rawRequest, waitFor } from './fixtures/raw-http.js';

/**
 * Requests pipelined on one keep-alive connection: the responses after the first wait for their turn without a
 * socket, and Node never closes them when the client leaves. What waits for their close (the lifecycle's hold of
 * the exchange, the writer that aborts the handler of a request whose client left) must not wait forever: a client
 * that pipelines requests and leaves would leak them and keep their handlers running.
 */
function post(port: number, body: string): string {
  const headers = { ...MCP_POST_HEADERS, host: `127.0.0.1:${port}`, 'content-length': String(Buffer.byteLength(body)) };
  return `POST /mcp HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`;
}

const call = (id: number, name: string, args: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** The exchanges the lifecycle holds (a private list, read for the leak it would be). */
function heldExchanges(app: HardeningApp): number {
  return (app.app.get(McpLifecycle) as unknown as { exchanges: { size: number } }).exchanges.size;
}

describe.each(PLATFORMS)('pipelined requests (%s)', (platform) => {
  let app: HardeningApp;
  beforeAll(async () => {
    app = await startHardeningApp(platform, { transports: { streamableHttp: { stateless: true, jsonResponse: true } } });
  });
  afterAll(async () => {
    await app.app.close();
  });

  it('a client that pipelines requests and leaves: every handler is aborted and nothing stays held', async () => {
    const aborted = app.tools.aborted;
    const socket = connect(app.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.on('error', () => undefined);
    socket.write(post(app.port, call(1, 'wait')) + post(app.port, call(2, 'wait')) + post(app.port, call(3, 'echo', { text: 'x' })));
    await waitFor(() => app.tools.waiting.size === 2, 5_000, 'both waits running');
    socket.destroy();
    await waitFor(() => app.tools.aborted === aborted + 2, 5_000, 'both waits aborted');
    await waitFor(() => heldExchanges(app) === 0, 5_000, 'no exchange held');
    expect(app.app.get(McpLifecycle).pendingRequests).toBe(0);
  });

  it('pipelined requests on a connection that stays are all answered, in order', async () => {
    const held = heldExchanges(app);
    const socket = connect(app.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.write(post(app.port, call(1, 'echo', { text: 'a' })) + post(app.port, call(2, 'echo', { text: 'b' })) + post(app.port, call(3, 'echo', { text: 'c' })));
    await waitFor(() => (received.match(/HTTP\/1\.1 200/g) ?? []).length === 3 && received.includes('"id":3'), 5_000, 'three answers');
    expect([...received.matchAll(/"id":(\d)/g)].map((match) => match[1])).toEqual(['1', '2', '3']);
    socket.destroy();
    await waitFor(() => heldExchanges(app) === held, 5_000, 'no exchange held');
    const next = await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: call(4, 'echo', { text: 'next' }) });
    expect(messagesOf(next)).toEqual([{ jsonrpc: '2.0', id: 4, result: { content: [{ type: 'text', text: 'next' }] } }]);
  });
});
