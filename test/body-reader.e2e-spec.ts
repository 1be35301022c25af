import { connect, type Socket } from 'node:net';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, messagesOf, rawRequest, waitFor } from './fixtures/raw-http.js';

/**
 * The MCP routes read their bodies themselves (the gate, before the app's parsers): a body that arrives in pieces
 * is read whole, a character split between pieces is decoded whole, and a client that leaves before its body is
 * complete costs nothing (the request is let go, and the server serves the next ones).
 */
function headOf(port: number, length: number): string {
  const headers = { ...MCP_POST_HEADERS, host: `127.0.0.1:${port}`, 'content-length': String(length) };
  return `POST /mcp HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`;
}

function open(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve({ socket, received: () => text, closed }));
    let text = '';
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('error', reject);
  });
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 30));

describe.each(PLATFORMS)('MCP request bodies (%s)', (platform) => {
  let app: HardeningApp;
  beforeAll(async () => {
    app = await startHardeningApp(platform, { transports: { streamableHttp: { stateless: true, jsonResponse: true } } });
  });
  afterAll(async () => {
    await app.app.close();
  });

  it('reads a body sent in pieces, with a character split between two of them', async () => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'price: 5 €' } } }));
    const euro = body.indexOf(Buffer.from('€'));
    const client = await open(app.port);
    client.socket.write(headOf(app.port, body.length));
    for (const piece of [body.subarray(0, 10), body.subarray(10, euro + 1), body.subarray(euro + 1)]) {
      await turn();
      client.socket.write(piece);
    }
    await waitFor(() => client.received().includes('"id":7'), 10_000, 'the answer');
    const answer = JSON.parse(client.received().slice(client.received().indexOf('\r\n\r\n') + 4));
    expect(answer).toEqual({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'price: 5 €' }] } });
    client.socket.destroy();
  });

  it('lets go of a request whose client leaves before its body is complete, and serves the next ones', async () => {
    const client = await open(app.port);
    client.socket.write(headOf(app.port, 200));
    await turn();
    client.socket.write('{"jsonrpc":"2.0","id":1,');
    await turn();
    client.socket.destroy();
    await client.closed;
    const answer = await rawRequest(app.port, {
      headers: MCP_POST_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'next' } } }),
    });
    expect(messagesOf(answer)).toEqual([{ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'next' }] } }]);
  });

  it('survives a connection reset (an error on the socket) in the middle of a body, and serves the next ones', async () => {
    const client = await open(app.port);
    client.socket.on('error', () => undefined);
    client.socket.write(headOf(app.port, 200));
    await turn();
    client.socket.write('{"jsonrpc":"2.0","id":5,');
    await turn();
    // An RST, not a FIN: the server's socket errs (ECONNRESET) while the request's body is being read.
    client.socket.resetAndDestroy();
    await client.closed;
    await turn();
    const next = await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'ping' }) });
    expect(messagesOf(next)).toEqual([{ jsonrpc: '2.0', id: 6, result: {} }]);
  });

  it('survives a client that half-closes before its body is complete', async () => {
    const client = await open(app.port);
    client.socket.write(headOf(app.port, 100));
    client.socket.end('{"jsonrpc":"2.0","id":3,"method":"ping"}');
    await client.closed;
    // The client half-closed before the body was complete: no answer can be owed, but none may crash the server.
    const next = await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'ping' }) });
    expect(messagesOf(next)).toEqual([{ jsonrpc: '2.0', id: 4, result: {} }]);
  });
});
