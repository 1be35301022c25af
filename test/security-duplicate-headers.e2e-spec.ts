import { connect } from 'node:net';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { initializeBody } from './fixtures/raw-http.js';

/**
 * The Host/Origin check must read the header the whole chain reads. A request with two Host fields is invalid
 * (RFC 9112 section 3.2: a server MUST answer 400), and a proxy in front may route by the other one; an Origin
 * that names more than one origin is not an origin a browser sends. Node keeps the first Host and joins Origins,
 * so the check saw only the harmless one: `Host: 127.0.0.1` then `Host: evil.example` opened a session.
 */
function rawPost(port: number, headerLines: string[]): Promise<{ status: number; text: string }> {
  const body = initializeBody();
  const head = [
    'POST /mcp HTTP/1.1',
    ...headerLines,
    'content-type: application/json',
    'accept: application/json, text/event-stream',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(`${head}\r\n\r\n${body}`));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rest] = received.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), text: rest.join('\r\n\r\n') });
    });
  });
}

describe.each(PLATFORMS)('duplicated Host and Origin headers (%s)', (platform) => {
  let app: HardeningApp;
  beforeAll(async () => {
    app = await startHardeningApp(platform);
  });
  afterAll(() => app.app.close());

  it('serves one loopback Host', async () => {
    expect((await rawPost(app.port, [`host: 127.0.0.1:${app.port}`])).status).toBe(200);
  });

  it('refuses two Host fields with 400, whichever comes first, and opens no session', async () => {
    const before = app.sessions.size;
    for (const lines of [
      [`host: 127.0.0.1:${app.port}`, 'host: evil.example'],
      ['host: evil.example', `host: 127.0.0.1:${app.port}`],
      [`host: 127.0.0.1:${app.port}`, `host: 127.0.0.1:${app.port}`],
    ]) {
      const response = await rawPost(app.port, lines);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('Host') } });
    }
    expect(app.sessions.size).toBe(before);
  });

  it('refuses an Origin that names more than one origin with 403', async () => {
    const before = app.sessions.size;
    const host = `host: 127.0.0.1:${app.port}`;
    for (const lines of [
      [host, 'origin: http://localhost', 'origin: http://evil.example'],
      [host, 'origin: http://localhost, http://evil.example'],
      [host, 'origin: http://localhost http://evil.example'],
    ]) {
      const response = await rawPost(app.port, lines);
      expect(response.status).toBe(403);
      expect(JSON.parse(response.text).error.message).toContain('Forbidden: origin');
    }
    expect(app.sessions.size).toBe(before);
  });
});
