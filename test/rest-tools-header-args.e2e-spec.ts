import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { waitFor } from './fixtures/raw-http.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

/** The deadline of a route tool's call in the child app. */
const TIMEOUT_MS = 200;

// A header argument Node cannot send (a character above U+00FF, a control character) is a tool error, and nothing
// fires later: the call's deadline timer must not outlive a request that was never made (it threw a ReferenceError
// from the timer and crashed the process). The app runs in a child process, so a crash is its exit: inside Jest's own
// process an uncaught error from a timer is swallowed by Jest and the test passed with or without the fix.
describe('route tools: header arguments Node refuses to send (the app in a child process)', () => {
  let child: ChildProcess;
  let output = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let client: Client;
  const call = async (tenant: string) => (await client.callTool({ name: 'current_tenant', arguments: { 'x-tenant': tenant } })) as ToolResult;

  beforeAll(async () => {
    // Runs the built package (packages/core/dist, `npm run build`), as test/shutdown.e2e-spec.ts does.
    child = spawn(process.execPath, ['test/fixtures/rest-tools/header-args-app.mjs'], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_OPTIONS: '', REST_TIMEOUT_MS: String(TIMEOUT_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    await waitFor(() => /LISTENING \d+/.test(output) || child.exitCode !== null, 20_000, 'the child app to listen');
    const port = Number(/LISTENING (\d+)/.exec(output)?.[1]);
    if (!port) throw new Error(`child app did not start:\n${output}`);
    client = new Client({ name: 'header-args-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it.each(['caf\u0101', 'a\u0001b', 'a\r\nx-injected: 1'])('answers %j with a tool error, and the process lives on past the deadline', async (value) => {
    const refused = await call(value);
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toMatch(/x-tenant/);
    // Past the deadline of the call that was never sent: its timer, if left behind, fires now.
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 3));
    expect({ exitCode: child.exitCode, signal: child.signalCode, output: output.replace(/^LISTENING \d+\n/, '') }).toEqual({ exitCode: null, signal: null, output: '' });
    expect((await call('acme')).structuredContent).toEqual({ tenant: 'acme' });
  });

  it('exits on SIGTERM like any process, not with an error code', async () => {
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(output).not.toMatch(/ReferenceError|Uncaught|Error:/);
  });
});
