import { Agent, fetch } from 'undici';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS } from './fixtures/raw-http.js';

/**
 * Issue 11 point 11: a body over the MCP limit gets its 413 to the client. The server answers with
 * `Connection: close` and keeps reading (and discarding) until the client has sent its body, so a client still
 * sending does not see the connection reset before it reads the answer.
 */
const TWELVE_MIB = 12 * 1024 * 1024;
const PIECE = 256 * 1024;
const ROUNDS = 12;
// Each test moves ROUNDS x 12 MiB over loopback: give it room on a loaded machine (not a timing assertion).
const ROOM_MS = 60_000;

/** The body in pieces, one per event-loop turn, so the client is still sending when the server answers. */
function slowly(bytes: Buffer): AsyncIterable<Buffer> {
  return (async function* () {
    for (let offset = 0; offset < bytes.length; offset += PIECE) {
      await new Promise((resolve) => setImmediate(resolve));
      yield bytes.subarray(offset, offset + PIECE);
    }
  })();
}

describe.each(PLATFORMS)('an oversized body on a reused keep-alive connection (%s)', (platform) => {
  let app: HardeningApp;
  let agent: Agent;
  const big = Buffer.alloc(TWELVE_MIB, 'x');
  big.write('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"');

  beforeAll(async () => {
    app = await startHardeningApp(platform);
    // One keep-alive connection: the oversized request goes on a connection that has served a request before.
    agent = new Agent({ connections: 1, pipelining: 1 });
  });
  afterAll(async () => {
    await agent.close();
    await app.app.close();
  });

  const url = (path: string) => `http://127.0.0.1:${app.port}${path}`;
  const warmUp = async () => {
    const response = await fetch(url('/plain'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}', dispatcher: agent });
    expect(response.status).toBe(201);
    await response.text();
  };
  const expect413 = async (response: Awaited<ReturnType<typeof fetch>>) => {
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('Payload Too Large') } });
  };

  it('always reads the 413 when the body has a Content-Length', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await warmUp();
      const headers = { ...MCP_POST_HEADERS, 'content-length': String(big.length) };
      await expect413(await fetch(url('/mcp'), { method: 'POST', headers, body: slowly(big), duplex: 'half', dispatcher: agent }));
    }
  }, ROOM_MS);

  it('always reads the 413 when the body is chunked', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await warmUp();
      await expect413(await fetch(url('/mcp'), { method: 'POST', headers: MCP_POST_HEADERS, body: slowly(big), duplex: 'half', dispatcher: agent }));
    }
  }, ROOM_MS);

  it('always reads the 413 when the whole body is sent at once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await warmUp();
      await expect413(await fetch(url('/mcp'), { method: 'POST', headers: MCP_POST_HEADERS, body: big, dispatcher: agent }));
    }
  }, ROOM_MS);

  it('still serves requests afterwards', async () => {
    await warmUp();
  });
});
