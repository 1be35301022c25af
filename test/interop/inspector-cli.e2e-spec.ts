import { jest } from '@jest/globals';
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

// Each case starts the Inspector CLI, a Node process of its own: on a loaded 2-core CI machine (and a cold Node 22 or
// 24 start) that alone can pass Jest's default 5 s. The CLI's own 30 s limit above is the one that matters.
jest.setTimeout(30_000);

describe('interop: MCP Inspector CLI', () => {
  // One sample app serves all three: /mcp, /sse and the protected /secure/mcp.
  let app: INestApplication;
  let urlOf: (path?: string) => URL;
  beforeAll(async () => {
    ({ app, url: urlOf } = await startApp({ imports: [AppModule] }));
  });
  afterAll(() => app.close());

  describe('the sample over Streamable HTTP', () => {
    let url: URL;
    beforeAll(() => {
      url = urlOf('/mcp');
    });

    it('lists tools', async () => {
      const result = (await inspector(url, 'http', ['--method', 'tools/list'])) as { tools: { name: string }[] };
      expect(result.tools.map((tool) => tool.name).sort()).toEqual(['create_note', 'note_stats', 'reindex_notes', 'rest_create_note', 'rest_get_note', 'rest_list_notes', 'search_notes']);
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

  describe('the sample over HTTP+SSE', () => {
    let url: URL;
    beforeAll(() => {
      url = urlOf('/sse');
    });

    it('lists and calls tools', async () => {
      const list = (await inspector(url, 'sse', ['--method', 'tools/list'])) as { tools: { name: string }[] };
      expect(list.tools.map((tool) => tool.name)).toContain('search_notes');
      const call = await inspector(url, 'sse', ['--method', 'tools/call', '--tool-name', 'search_notes', '--tool-arg', 'query=milk']);
      expect(call).toEqual({ content: [{ type: 'text', text: JSON.stringify([{ id: '2', title: 'Groceries' }]) }] });
    });

    it('reads a resource and gets a prompt', async () => {
      const read = (await inspector(url, 'sse', ['--method', 'resources/read', '--uri', 'notes://1'])) as { contents: { text: string }[] };
      expect(read.contents[0].text).toContain('# Welcome');
      const prompt = (await inspector(url, 'sse', ['--method', 'prompts/get', '--prompt-name', 'review_note', '--prompt-args', 'id=2'])) as {
        messages: { content: { text: string } }[];
      };
      expect(prompt.messages[0].content.text).toContain('# Groceries');
    });
  });

  describe('the protected sample (/secure/mcp) with a bearer token', () => {
    let url: URL;
    beforeAll(() => {
      url = urlOf('/secure/mcp');
    });

    /** A token from the sample's own script, as `npm run token -- --sub alice --scope "notes:read notes:write"` prints it. */
    async function token(scope: string): Promise<string> {
      const { stdout } = await run(process.execPath, ['sample/scripts/token.mjs', '--sub', 'alice', '--scope', scope]);
      return stdout.trim();
    }

    it('lists and calls tools with a valid bearer token', async () => {
      const auth = [`Authorization: Bearer ${await token('notes:read notes:write')}`];
      const list = (await inspector(url, 'http', ['--method', 'tools/list'], auth)) as { tools: { name: string }[] };
      expect(list.tools.map((tool) => tool.name).sort()).toEqual(['add_note', 'list_notes', 'whoami']);
      const call = (await inspector(url, 'http', ['--method', 'tools/call', '--tool-name', 'whoami'], auth)) as { content: { text: string }[] };
      expect(call.content[0].text).toContain('alice');
    });

    it('is refused without a token', async () => {
      const result = await inspector(url, 'http', ['--method', 'tools/list']).catch((error: { stdout?: string; stderr?: string }) => error);
      expect(JSON.stringify(result)).toMatch(/401|Unauthorized|invalid_token/);
    });
  });
});

// The sample over stdio, started by the CLI the way desktop clients start it: `node sample/dist/main-stdio.js` (what
// `npm run --silent start:stdio` runs; CI builds it before the tests).
describe('interop: MCP Inspector CLI, the sample over stdio', () => {
  const sampleStdio = join(process.cwd(), 'sample', 'dist', 'main-stdio.js');

  async function inspectorStdio(args: string[]): Promise<unknown> {
    const { stdout } = await run(process.execPath, [inspectorBin, '--cli', process.execPath, sampleStdio, ...args], { cwd: inspectorCwd, timeout: 30_000 });
    return JSON.parse(stdout);
  }

  it('lists tools', async () => {
    const result = (await inspectorStdio(['--method', 'tools/list'])) as { tools: { name: string }[] };
    expect(result.tools.map((tool) => tool.name).sort()).toEqual(['create_note', 'note_stats', 'reindex_notes', 'search_notes']);
  });

  it('calls a tool', async () => {
    const result = await inspectorStdio(['--method', 'tools/call', '--tool-name', 'search_notes', '--tool-arg', 'query=milk']);
    expect(result).toEqual({ content: [{ type: 'text', text: JSON.stringify([{ id: '2', title: 'Groceries' }]) }] });
  });

  it('reads a resource', async () => {
    const resource = (await inspectorStdio(['--method', 'resources/read', '--uri', 'notes://index'])) as { contents: { text: string }[] };
    expect(JSON.parse(resource.contents[0].text)).toContainEqual({ id: '2', title: 'Groceries' });
  });

  it('gets a prompt', async () => {
    const prompt = (await inspectorStdio(['--method', 'prompts/get', '--prompt-name', 'review_note', '--prompt-args', 'id=1'])) as {
      messages: { content: { text: string } }[];
    };
    expect(prompt.messages[0].content.text).toContain('# Welcome');
  });
});
