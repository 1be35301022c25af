import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createMcpTestClient, createMcpTestToken } from '@nestmcp/core/testing';
import { AppModule } from '../src/app.module.js';
import { SECURE_SERVER_NAME } from '../src/secure/secure-auth.config.js';

// e2e: the whole sample app over real HTTP (the kit makes it listen on port 0), and its protected server with a token.
describe('the sample app over HTTP', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('serves the open notes server over Streamable HTTP', async () => {
    const mcp = await createMcpTestClient(app, { server: 'nestmcp-sample', transport: 'streamable-http' });
    expect((await mcp.listTools()).map((tool) => tool.name)).toContain('search_notes');
    expect(JSON.parse(await mcp.callTool<string>('search_notes', { query: 'milk' }))).toEqual([{ id: '2', title: 'Groceries' }]);
    await mcp.close();
  });

  it('serves the open notes server over the legacy SSE transport', async () => {
    const mcp = await createMcpTestClient(app, { server: 'nestmcp-sample', transport: 'sse' });
    expect(await mcp.callTool('note_stats')).toMatchObject({ count: expect.any(Number) });
    await mcp.close();
  });

  it('the protected server: a token with the scopes lists and adds notes; without one the client is refused', async () => {
    const token = await createMcpTestToken(app, { sub: 'alice', scope: ['notes:read', 'notes:write'] }, { server: SECURE_SERVER_NAME });
    const alice = await createMcpTestClient(app, { server: SECURE_SERVER_NAME, transport: 'streamable-http', token });
    expect(JSON.parse(await alice.callTool<string>('whoami'))).toMatchObject({ subject: 'alice', scopes: ['notes:read', 'notes:write'] });
    expect(await alice.callTool('add_note', { title: 'Mine', body: '...' })).toMatch(/^Added note \d+: Mine$/);
    await alice.close();
    await expect(createMcpTestClient(app, { server: SECURE_SERVER_NAME, transport: 'streamable-http' })).rejects.toThrow(/401|Unauthorized/);
  });

  it('the protected server in memory: the same token check, scopes apply', async () => {
    const readOnly = await createMcpTestToken(app, { sub: 'bob', scope: 'notes:read' }, { server: SECURE_SERVER_NAME });
    const bob = await createMcpTestClient(app, { server: SECURE_SERVER_NAME, transport: 'in-memory', token: readOnly });
    expect((await bob.listTools()).map((tool) => tool.name).sort()).toEqual(['list_notes', 'whoami']);
    await expect(bob.callTool('add_note', { title: 'x', body: 'y' })).rejects.toThrow(/notes:write/);
    await bob.close();
  });
});
