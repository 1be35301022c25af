import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AppModule } from '../../sample/src/app.module.js';
import { startApp } from '../fixtures/app.js';

const run = promisify(execFile);

// The MCP Inspector CLI (@modelcontextprotocol/inspector-cli, a devDependency), run as users run it:
// `mcp-inspector-cli --cli <url> --transport http --method ...`. It launches its client with the `node` on PATH.
const require = createRequire(join(process.cwd(), 'package.json'));
const inspectorPackage = require.resolve('@modelcontextprotocol/inspector-cli/package.json');
const inspectorBin = join(dirname(inspectorPackage), 'build', 'cli.js');
// The CLI finds its own package.json (for its client name) at "../package.json" relative to the working
// directory, so it runs from its build folder.
const inspectorCwd = join(dirname(inspectorPackage), 'build');

async function inspector(url: URL, transport: 'http' | 'sse', args: string[], headers: string[] = []): Promise<unknown> {
  const { stdout } = await run(
    process.execPath,
    [inspectorBin, '--cli', url.href, '--transport', transport, ...headers.flatMap((h) => ['--header', h]), ...args],
    { cwd: inspectorCwd, timeout: 30_000 },
  );
  return JSON.parse(stdout);
}

describe('interop: MCP Inspector CLI', () => {
  describe('the sample over Streamable HTTP', () => {
    let app: INestApplication;
    let url: URL;
    beforeAll(async () => {
      const started = await startApp({ imports: [AppModule] });
      app = started.app;
      url = started.url('/mcp');
    });
    afterAll(() => app.close());

    it('lists tools', async () => {
      const result = (await inspector(url, 'http', ['--method', 'tools/list'])) as { tools: { name: string }[] };
      expect(result.tools.map((tool) => tool.name).sort()).toEqual(['create_note', 'note_stats', 'reindex_notes', 'search_notes']);
    });

    it('calls a tool', async () => {
      const result = await inspector(url, 'http', ['--method', 'tools/call', '--tool-name', 'search_notes', '--tool-arg', 'query=milk']);
      expect(result).toEqual({ content: [{ type: 'text', text: JSON.stringify([{ id: '2', title: 'Groceries' }]) }] });
    });

    it('reads a resource', async () => {
      const result = (await inspector(url, 'http', ['--method', 'resources/read', '--uri', 'notes://index'])) as {
        contents: { uri: string; mimeType: string; text: string }[];
      };
      expect(result.contents).toHaveLength(1);
      expect(result.contents[0]).toMatchObject({ uri: 'notes://index', mimeType: 'application/json' });
      expect(JSON.parse(result.contents[0].text)).toContainEqual({ id: '2', title: 'Groceries' });
    });

    it('gets a prompt', async () => {
      const result = (await inspector(url, 'http', ['--method', 'prompts/get', '--prompt-name', 'review_note', '--prompt-args', 'id=1'])) as {
        messages: { role: string; content: { type: string; text: string } }[];
      };
      expect(result.messages[0]).toMatchObject({ role: 'user', content: { type: 'text' } });
      expect(result.messages[0].content.text).toContain('# Welcome');
    });

    it('reports an unknown tool as an error', async () => {
      const result = await inspector(url, 'http', ['--method', 'tools/call', '--tool-name', 'no_such_tool']).catch((error: { stdout?: string; stderr?: string }) => error);
      expect(JSON.stringify(result)).toContain('Unknown tool: no_such_tool');
    });
  });

  // The legacy HTTP+SSE transport comes with issue 3. Once it is merged and the sample serves it
  // (transports.sse: { path: '/sse', messagesPath: '/messages' }), turn these into real tests: the same calls as above,
  // `inspector(url('/sse'), 'sse', [...])`.
  describe('the sample over HTTP+SSE (issue 3)', () => {
    it.todo('lists tools over SSE');
    it.todo('calls a tool over SSE');
    it.todo('reads a resource over SSE');
    it.todo('gets a prompt over SSE');
  });

  // Bearer auth comes with issue 4. Once merged, start the protected sample and pass the token:
  // `inspector(url, 'http', ['--method', 'tools/list'], ['Authorization: Bearer <token>'])`, and check that a call
  // without the header fails with 401.
  describe('the protected sample with a bearer token (issue 4)', () => {
    it.todo('lists and calls tools with a valid bearer token');
    it.todo('is refused (401) without a token');
  });
});
