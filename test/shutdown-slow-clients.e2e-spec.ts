import { connect, type Socket } from 'node:net';
import { PLATFORMS, startHardeningApp } from './fixtures/hardening-app.js';

/**
 * Graceful shutdown must not wait on a client for longer than `limits.drainTimeoutMs`: Nest closes its HTTP server
 * after the drain, and Node's server only closes once every connection has. A client that trickles the body of an
 * MCP POST (slowloris), on the Streamable HTTP route or the legacy SSE messages route, would otherwise keep the app
 * from closing until Node's own `requestTimeout` (five minutes).
 */
interface SlowClient {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  closed: Promise<void>;
  stop: () => void;
}

/** Sends the headers of a POST and a byte of its body every 50 ms, never finishing it. */
function slowBody(port: number, path: string): Promise<SlowClient> {
  return new Promise((resolve, reject) => {
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
          `accept: application/json, text/event-stream\r\ncontent-length: 100000\r\n\r\n{"jsonrpc":"2.0",`,
      );
      timer = setInterval(() => socket.write(' '), 50);
      resolve({ socket, received: () => received, closed, stop: () => clearInterval(timer) });
    });
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    void closed.then(() => clearInterval(timer));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

describe.each(PLATFORMS)('shutdown with clients that never finish sending (%s)', (platform) => {
  it('ends MCP requests still receiving their body once the drain time is up, so the app closes', async () => {
    const { app, port } = await startHardeningApp(platform, { transports: { streamableHttp: {}, sse: {} }, limits: { drainTimeoutMs: 300 } });
    const clients = await Promise.all([slowBody(port, '/mcp'), slowBody(port, '/messages?sessionId=none')]);
    try {
      // Let both requests reach the MCP routes (their headers are in; their bodies are being read).
      await new Promise((resolve) => setTimeout(resolve, 200));
      await app.close();
      await Promise.all(clients.map((client) => client.closed));
      for (const client of clients) expect(client.received()).toMatch(/^HTTP\/1\.1 503 /);
    } finally {
      for (const client of clients) {
        client.stop();
        client.socket.destroy();
      }
    }
  }, 20_000);
});
