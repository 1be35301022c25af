import { request as httpRequest, type ClientRequest } from 'node:http';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, initializeBody, messagesOf, rawRequest, waitFor } from './fixtures/raw-http.js';

/**
 * A 2026-07-28 `subscriptions/listen` stream lasts as long as its client wants, like a session's stream: without a
 * bound, one anonymous caller could hold any number of them (each a socket, a registry listener fed every change
 * and a keep-alive timer). They are admitted like sessions: `maxSessions` counts sessions and listen streams
 * together, and `maxSessionsPerPrincipal` counts a caller's listen streams with its sessions.
 */
const REV_2026 = '2026-07-28';
const listenBody = JSON.stringify({
  jsonrpc: '2.0',
  id: 7,
  method: 'subscriptions/listen',
  params: {
    notifications: { toolsListChanged: true },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': REV_2026,
      'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
});
const listenHeaders = { ...MCP_POST_HEADERS, 'mcp-protocol-version': REV_2026, 'mcp-method': 'subscriptions/listen' };

interface Listen {
  req: ClientRequest;
  status: number;
  text: () => string;
  ended: Promise<void>;
}

/** Opens a listen stream; resolves once its status line is in. */
function listen(port: number, headers: Record<string, string> = {}): Promise<Listen> {
  return new Promise((resolve, reject) => {
    let text = '';
    let markEnded!: () => void;
    const ended = new Promise<void>((done) => (markEnded = done));
    const req = httpRequest({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { ...listenHeaders, ...headers }, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('close', () => markEnded());
      res.on('error', () => undefined);
      resolve({ req, status: res.statusCode ?? 0, text: () => text, ended });
    });
    req.on('error', reject);
    req.end(listenBody);
  });
}

describe.each(PLATFORMS)('2026-07-28 listen streams are admitted like sessions (%s)', (platform) => {
  describe('maxSessions', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp(platform, { limits: { maxSessions: 2 }, health: true });
    });
    afterAll(() => app.app.close());

    it('counts listen streams with sessions, refuses past the limit with 503, and takes more once one ends', async () => {
      const first = await listen(app.port);
      const second = await listen(app.port);
      expect([first.status, second.status]).toEqual([200, 200]);
      await waitFor(() => second.text().includes('acknowledged'), 5000, 'the acknowledgement');

      const third = await listen(app.port);
      expect(third.status).toBe(503);
      await third.ended;
      expect(messagesOf({ status: 503, headers: { 'content-type': 'application/json' }, text: third.text() })[0]).toMatchObject({
        id: 7,
        error: { code: -32000 },
      });
      expect((await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: initializeBody() })).status).toBe(503);
      const health = JSON.parse((await rawRequest(app.port, { method: 'GET', path: '/mcp/health' })).text);
      expect(health).toMatchObject({ sessions: 0, listenStreams: 2, maxSessions: 2 });

      first.req.destroy();
      await first.ended;
      let listening = 2;
      for (let i = 0; i < 100 && listening !== 1; i++) {
        listening = JSON.parse((await rawRequest(app.port, { method: 'GET', path: '/mcp/health' })).text).listenStreams;
        if (listening !== 1) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const status = (await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: initializeBody() })).status;
      expect(status).toBe(200);
      second.req.destroy();
    });
  });

  describe('maxSessionsPerPrincipal', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp(platform, { limits: { maxSessionsPerPrincipal: 1 } });
    });
    afterAll(() => app.app.close());

    it("counts an anonymous caller's listen streams with its sessions (429)", async () => {
      const first = await listen(app.port);
      expect(first.status).toBe(200);
      const second = await listen(app.port);
      expect(second.status).toBe(429);
      await second.ended;
      expect((await rawRequest(app.port, { headers: MCP_POST_HEADERS, body: initializeBody() })).status).toBe(429);
      first.req.destroy();
    });
  });
});
