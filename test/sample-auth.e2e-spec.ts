import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { createMcpClient } from '@nestmcp/core/testing';
import { AppModule } from '../sample/src/app.module.js';
import { startApp } from './fixtures/app.js';
import { INITIALIZE, bearer, message, openSession, post, rpc } from './fixtures/auth/http.js';

const run = promisify(execFile);

/** The sample's script, as `npm run token -- --sub ... --scope ...` runs it. */
async function sampleToken(sub: string, scope: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['sample/scripts/token.mjs', '--sub', sub, '--scope', scope]);
  return stdout.trim();
}

/** Point 7 of issue 4: the sample's protected server at /secure/mcp next to the open one at /mcp. */
describe('sample: protected server at /secure/mcp', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, url } = await startApp({ imports: [AppModule] }));
  });
  afterAll(() => app.close());

  it('keeps /mcp open and without the secure tools', async () => {
    const client = await createMcpClient(app);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['create_note', 'note_stats', 'reindex_notes', 'rest_create_note', 'rest_get_note', 'rest_list_notes', 'search_notes']);
    await client.close();
  });

  it('refuses /secure/mcp without a token, with a challenge', async () => {
    const response = await post(url('/secure/mcp'), INITIALIZE);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(`resource_metadata="${url('/.well-known/oauth-protected-resource/secure/mcp').href}"`);
  });

  it('serves a token from `npm run token`, with scoped tools', async () => {
    const client = await createMcpClient(app, { path: '/secure/mcp', headers: bearer(await sampleToken('alice', 'notes:read notes:write')) });
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['add_note', 'list_notes', 'whoami']);
    expect((await client.callTool({ name: 'add_note', arguments: { title: 'From alice', body: 'hi' } })).content).toEqual([
      { type: 'text', text: expect.stringMatching(/^Added note \d+: From alice$/) },
    ]);
    expect((await client.callTool({ name: 'whoami' })).content).toEqual([
      { type: 'text', text: expect.stringContaining('"subject":"alice"') },
    ]);
    await client.close();
  });

  it('answers 403 insufficient_scope for add_note with a read-only token', async () => {
    const headers = bearer(await sampleToken('bob', 'notes:read'));
    const session = await openSession(url('/secure/mcp'), headers);
    const response = await post(url('/secure/mcp'), rpc('tools/call', { name: 'add_note', arguments: { title: 't', body: 'b' } }), {
      ...headers,
      'mcp-session-id': session,
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="notes:write"');
    expect(await message(response)).toMatchObject({ error: { code: -32000 } });
  });
});
