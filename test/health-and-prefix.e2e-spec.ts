import { createMcpClient } from '@nestmcp/core/testing';
import { PLATFORMS, startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { MCP_POST_HEADERS, messagesOf, openSession, rawRequest } from './fixtures/raw-http.js';

describe.each(PLATFORMS)('health endpoint and global prefix (%s)', (platform) => {
  let app: HardeningApp;
  beforeAll(async () => {
    app = await startHardeningApp(platform, { health: { path: '/healthz' }, limits: { maxBodyBytes: 256 * 1024 } }, (nest) =>
      nest.setGlobalPrefix('api'),
    );
  });
  afterAll(() => app.app.close());

  it('reports sessions and streams', async () => {
    const client = await createMcpClient(app.app, { path: '/api/mcp' });
    const response = await rawRequest(app.port, { method: 'GET', path: '/api/healthz' });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.text)).toEqual({
      status: 'ok',
      server: 'hardening',
      sessions: 1,
      listenStreams: 0,
      maxSessions: 10_000,
      streams: expect.any(Number),
      pendingRequests: 0,
    });
    await client.close();
  });

  it('applies the MCP body limit and JSON-RPC errors under the global prefix', async () => {
    const session = await openSession(app.port, {}).catch(() => undefined);
    expect(session).toBeUndefined(); // /mcp is not served: the prefix applies
    const post = (body: string) => rawRequest(app.port, { path: '/api/mcp', headers: MCP_POST_HEADERS, body });
    const tooLarge = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { x: 'x'.repeat(300 * 1024) } }));
    expect(tooLarge.status).toBe(413);
    expect(messagesOf(tooLarge)[0].error.code).toBe(-32600);
    expect(messagesOf(await post('{oops'))[0].error.code).toBe(-32700);
    expect((await rawRequest(app.port, { path: '/api/mcp', headers: { ...MCP_POST_HEADERS, origin: 'https://evil.example' }, body: '{}' })).status).toBe(403);
  });
});
