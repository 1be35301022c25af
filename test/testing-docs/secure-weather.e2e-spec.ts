// secure-weather.e2e-spec.ts: a server with its own JWT check, in memory and over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createMcpTestClient, createMcpTestToken } from '@nestmcp/core/testing';
import { SecureWeatherModule } from './secure-weather.module.js';

describe('secure weather', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SecureWeatherModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init(); // not listening: the kit connects in memory, or listens on port 0 for an HTTP transport
  });
  afterAll(() => app.close());

  it('a token signed for the server passes its check; scopes apply', async () => {
    const token = await createMcpTestToken(app, { sub: 'alice', scope: 'weather:read' });
    const mcp = await createMcpTestClient(app, { token });
    expect(await mcp.callTool('whoami')).toBe('alice');
    await expect(mcp.callTool('clear_cache')).rejects.toThrow(/weather:admin/);
    await mcp.close();
  });

  it('no token: refused as over HTTP (401)', async () => {
    await expect(createMcpTestClient(app)).rejects.toThrow(/HTTP 401/);
  });

  it('over real HTTP, on the 2026-07-28 revision too', async () => {
    const token = await createMcpTestToken(app, { sub: 'bob', scope: ['weather:admin'] });
    const mcp = await createMcpTestClient(app, { transport: 'streamable-http', token, protocolVersion: '2026-07-28' });
    expect(await mcp.callTool('clear_cache')).toBe('cleared');
    await mcp.close();
  });
});
