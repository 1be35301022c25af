import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpModule, McpStdio, StaticTokenVerifier, type McpStdioServer } from '@nestmcp/core';
import { Module } from '@nestjs/common';
import { NoGuard, StdioTools, WrapInterceptor } from './fixtures/stdio/stdio.tools.js';

// The sample's stdio entry point as users run it (`npm run --silent start:stdio`); CI builds it before the tests.
const SAMPLE_STDIO = join(process.cwd(), 'sample', 'dist', 'main-stdio.js');
const INITIALIZE = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

describe('stdio: the sample as a child process, driven by the SDK StdioClientTransport', () => {
  let client: Client;
  let transport: StdioClientTransport;
  const stderr: string[] = [];
  const transportErrors: Error[] = [];

  beforeAll(async () => {
    transport = new StdioClientTransport({ command: process.execPath, args: [SAMPLE_STDIO], stderr: 'pipe' });
    transport.stderr?.on('data', (chunk: Buffer) => void stderr.push(chunk.toString()));
    transport.onerror = (error) => void transportErrors.push(error);
    client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
  });
  afterAll(() => client.close());

  it('lists and calls tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['create_note', 'note_stats', 'reindex_notes', 'search_notes']);
    const result = await client.callTool({ name: 'search_notes', arguments: { query: 'milk' } });
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify([{ id: '2', title: 'Groceries' }]) }]);
  });

  it('reads a resource and gets a prompt', async () => {
    const resource = await client.readResource({ uri: 'notes://index' });
    expect(JSON.parse((resource.contents[0] as { text: string }).text)).toContainEqual({ id: '2', title: 'Groceries' });
    const prompt = await client.getPrompt({ name: 'review_note', arguments: { id: '1' } });
    expect((prompt.messages[0].content as { text: string }).text).toContain('# Welcome');
  });

  it('sends progress and log messages', async () => {
    // Read off the transport: the SDK client hands progress to its handler a tick later, and drops what arrives in the
    // same read as the result (the sample's re-index is instant, so all of it does).
    const seen: { method: string; params: { progress?: number; data?: unknown } }[] = [];
    const deliver = transport.onmessage!;
    transport.onmessage = (message) => {
      if ('method' in message) seen.push(message as (typeof seen)[number]);
      deliver(message);
    };
    const result = await client.callTool({ name: 'reindex_notes', arguments: {} }, undefined, { onprogress: () => undefined });
    transport.onmessage = deliver;
    const count = Number(/^Re-indexed (\d+) notes$/.exec((result.content as { text: string }[])[0].text)?.[1]);
    expect(count).toBeGreaterThan(0);
    const progress = seen.filter((message) => message.method === 'notifications/progress').map((message) => message.params.progress);
    expect(progress).toEqual(Array.from({ length: count }, (_, index) => index + 1));
    const logs = seen.filter((message) => message.method === 'notifications/message').map((message) => message.params.data);
    expect(logs).toHaveLength(count);
    expect(logs[0]).toMatch(/^indexed note /);
  });

  it("keeps Nest's logs on stderr: stdout carried only JSON-RPC", () => {
    expect(stderr.join('')).toContain('Starting Nest application');
    expect(transportErrors).toEqual([]);
  });
});

describe('stdio: clean exit of the sample process', () => {
  function start() {
    const child = spawn(process.execPath, [SAMPLE_STDIO], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: unknown[] = [];
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      for (const part of parts) lines.push(JSON.parse(part));
    });
    child.stderr.resume();
    return { child, lines };
  }

  async function answered(lines: unknown[], id: number): Promise<void> {
    while (!lines.some((line) => (line as { id?: number }).id === id)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('exits with 0 when stdin ends', async () => {
    const { child, lines } = start();
    child.stdin.write(`${JSON.stringify(INITIALIZE)}\n`);
    await answered(lines, 0);
    child.stdin.end();
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('exits with 0 on SIGTERM', async () => {
    const { child, lines } = start();
    child.stdin.write(`${JSON.stringify(INITIALIZE)}\n`);
    await answered(lines, 0);
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});

describe('stdio: McpStdio.serve() on given streams (the context, guards, interceptors, bad lines)', () => {
  @Module({
    imports: [McpModule.forRoot({ name: 'stdio-fixture', version: '1.0.0', transports: { stdio: true }, auth: { verifier: new StaticTokenVerifier({}) } })],
    providers: [StdioTools, NoGuard, WrapInterceptor],
  })
  class StdioFixtureModule {}

  let served: McpStdioServer;
  const input = new PassThrough();
  const output = new PassThrough();
  const answers = new Map<number | null, any>();
  let nulls = 0;

  async function send(message: object | string, id?: number): Promise<any> {
    input.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
    while (!answers.has(id ?? null)) await new Promise((resolve) => setTimeout(resolve, 10));
    const answer = answers.get(id ?? null);
    answers.delete(id ?? null);
    return answer;
  }
  const call = (id: number, name: string) => send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } }, id);

  beforeAll(async () => {
    let rest = '';
    output.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      for (const part of parts) {
        const message = JSON.parse(part);
        if (message.id === null) nulls++;
        answers.set(message.id, message);
      }
    });
    served = await McpStdio.serve(StdioFixtureModule, { input, output, logger: false });
    await send(INITIALIZE, 0);
    input.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  });
  afterAll(() => served.close());

  it('has no HTTP request: getHttpRequest() throws as documented, getHttpHeaders() is {}', async () => {
    const answer = await call(1, 'context');
    const seen = JSON.parse(answer.result.content[0].text);
    expect(seen.request).toContain('came over the stdio transport');
    expect(seen.headers).toEqual({});
  });

  it('runs the guards and interceptors of MCP handlers', async () => {
    expect((await call(2, 'refused')).result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'refused refused' }] });
    expect((await call(3, 'wrapped')).result.content).toEqual([{ type: 'text', text: '[inside]' }]);
  });

  it('serves items with scopes: MCP authorization does not apply to stdio', async () => {
    expect((await call(4, 'scoped')).result.content).toEqual([{ type: 'text', text: 'scoped ok' }]);
  });

  it('answers a line that is not JSON with -32700 and goes on', async () => {
    const before = nulls;
    const answer = await send('{"jsonrpc": "2.0", "id": 5, "method": ');
    expect(answer.error.code).toBe(-32700);
    expect(nulls).toBe(before + 1);
    expect((await call(6, 'wrapped')).result.content).toEqual([{ type: 'text', text: '[inside]' }]);
  });

  it('closes: the returned promise settles', async () => {
    await served.close();
    await expect(served.closed).resolves.toBeUndefined();
  });
});
