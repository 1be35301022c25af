import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, initializeBody, messagesOf, rawRequest } from './fixtures/raw-http.js';

const init = (app: HardeningApp, headers: Record<string, string>) =>
  rawRequest(app.port, { headers: { ...MCP_POST_HEADERS, ...headers }, body: initializeBody() });

describe.each(PLATFORMS)('DNS-rebinding protection and CORS (%s)', (platform) => {
  describe('defaults on a loopback server', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp(platform);
    });
    afterAll(() => app.app.close());

    it('lets requests without Origin through', async () => {
      const response = await init(app, {});
      expect(response.status).toBe(200);
      expect(response.headers['mcp-session-id']).toBeDefined();
    });

    it('lets loopback origins and hosts through', async () => {
      for (const [host, origin] of [
        [`localhost:${app.port}`, 'http://localhost:5173'],
        [`127.0.0.1:${app.port}`, `http://127.0.0.1:${app.port}`],
        [`[::1]:${app.port}`, 'https://[::1]'],
      ]) {
        const response = await init(app, { host, origin });
        expect(response.status).toBe(200);
      }
    });

    it('refuses a foreign Origin with 403 and a JSON-RPC error', async () => {
      for (const origin of ['https://evil.example', 'null', 'not a url', `http://evil.example:${app.port}`]) {
        const response = await init(app, { origin });
        expect(response.status).toBe(403);
        expect(JSON.parse(response.text)).toEqual({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32000, message: expect.stringContaining('Forbidden: origin') },
        });
      }
    });

    it('refuses a foreign Host (DNS rebinding) with 403, on every method', async () => {
      const before = app.sessions.size;
      for (const method of ['POST', 'GET', 'DELETE']) {
        const response = await rawRequest(app.port, {
          method,
          headers: { ...MCP_POST_HEADERS, host: `evil.example:${app.port}`, origin: `http://evil.example:${app.port}` },
          body: method === 'POST' ? initializeBody() : undefined,
        });
        expect(response.status).toBe(403);
        expect(messagesOf(response)[0].error.message).toContain('Forbidden: host "evil.example');
      }
      expect(app.sessions.size).toBe(before);
    });

    it('answers OPTIONS without CORS headers when CORS is off', async () => {
      const response = await rawRequest(app.port, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('allowedHosts, allowedOrigins, trustProxy and CORS', () => {
    let app: HardeningApp;
    beforeAll(async () => {
      app = await startHardeningApp(platform, {
        allowedHosts: ['mcp.example.com', 'localhost'],
        allowedOrigins: ['https://app.example.com'],
        trustProxy: true,
        cors: { maxAge: 60 },
      });
    });
    afterAll(() => app.app.close());

    it('serves a host behind a trusted proxy (X-Forwarded-Host) and refuses others', async () => {
      const proxied = await init(app, { 'x-forwarded-host': 'mcp.example.com', 'x-forwarded-proto': 'https' });
      expect(proxied.status).toBe(200);
      const other = await init(app, { 'x-forwarded-host': 'other.example.com' });
      expect(other.status).toBe(403);
      const loopbackNotListed = await init(app, { host: `127.0.0.1:${app.port}` });
      expect(loopbackNotListed.status).toBe(403);
    });

    it('allows listed and same-origin origins, refuses loopback ones once a list is given', async () => {
      const proxy = { 'x-forwarded-host': 'mcp.example.com', 'x-forwarded-proto': 'https' };
      expect((await init(app, { ...proxy, origin: 'https://app.example.com' })).status).toBe(200);
      expect((await init(app, { ...proxy, origin: 'https://mcp.example.com' })).status).toBe(200);
      expect((await init(app, { ...proxy, origin: 'http://localhost:5173' })).status).toBe(403);
    });

    it('answers a CORS preflight from an allowed origin with the MCP headers', async () => {
      const response = await rawRequest(app.port, {
        method: 'OPTIONS',
        headers: {
          'x-forwarded-host': 'mcp.example.com',
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, mcp-session-id',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(response.headers['access-control-allow-methods']).toBe('GET, POST, DELETE, OPTIONS');
      expect(String(response.headers['access-control-allow-headers'])).toContain('Mcp-Session-Id');
      expect(String(response.headers['access-control-allow-headers'])).toContain('Mcp-Protocol-Version');
      expect(response.headers['access-control-max-age']).toBe('60');
    });

    it('refuses a preflight from a foreign origin', async () => {
      const response = await rawRequest(app.port, {
        method: 'OPTIONS',
        headers: { 'x-forwarded-host': 'mcp.example.com', origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(403);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('exposes Mcp-Session-Id to the browser on actual responses', async () => {
      const response = await init(app, { 'x-forwarded-host': 'mcp.example.com', origin: 'https://app.example.com' });
      expect(response.status).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(response.headers['access-control-expose-headers'])).toContain('Mcp-Session-Id');
      expect(response.headers.vary).toContain('Origin');
    });
  });
});
