import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MCP_POST_HEADERS, initializeBody, openSession, rawRequest, waitFor } from './fixtures/raw-http.js';

/** The repository root: Jest runs from it. */
const root = process.cwd();

interface Child {
  process: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['test/fixtures/shutdown-app.mjs'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(() => /LISTENING \d+/.test(output) || child.exitCode !== null, 20_000, 'the child app to listen');
  const port = Number(/LISTENING (\d+)/.exec(output)?.[1]);
  if (!port) throw new Error(`child app did not start:\n${output}`);
  return { process: child, port, output: () => output, exited };
}

async function connect(port: number): Promise<Client> {
  const client = new Client({ name: 'shutdown-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return client;
}

/** A standalone GET stream; says whether it ended cleanly (end of body) or was cut. */
function standaloneStream(port: number, session: string) {
  return new Promise<{ ended: Promise<'clean' | 'cut'> }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/mcp', method: 'GET', headers: { accept: 'text/event-stream', 'mcp-session-id': session }, agent: false },
      (res) => {
        const ended = new Promise<'clean' | 'cut'>((done) => {
          res.on('end', () => done('clean'));
          res.on('aborted', () => done('cut'));
          res.on('error', () => done('cut'));
        });
        res.resume();
        resolve({ ended });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('graceful shutdown (child process, SIGTERM)', () => {
  let child: Child | undefined;
  // The fixture runs on the built package, as a user's app would (test/global-setup.mjs builds it).
  afterEach(() => {
    if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    child = undefined;
  });

  it('stops taking sessions, lets the in-flight call finish, ends SSE streams cleanly, and exits', async () => {
    child = await startChild({ SLOW_MS: '1500', DRAIN_MS: '10000' });
    const { port } = child;
    const client = await connect(port);
    const stream = await standaloneStream(port, await openSession(port));
    const call = client.callTool({ name: 'slow', arguments: {} });
    await waitFor(() => child!.output().includes('SLOW_STARTED'), 10_000, 'the slow call to start');

    child.process.kill('SIGTERM');
    let health = 0;
    for (let i = 0; i < 200 && health !== 503; i++) {
      health = (await rawRequest(port, { method: 'GET', path: '/mcp/health' })).status;
      if (health !== 503) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(health).toBe(503);
    const refused = await rawRequest(port, { headers: MCP_POST_HEADERS, body: initializeBody() });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();

    expect(await stream.ended).toBe('clean');
    expect(await call).toMatchObject({ content: [{ type: 'text', text: 'finished' }] });
    const exit = await child.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    await client.close();
  }, 60_000);

  it('gives up on a call that outlasts drainTimeoutMs, and still exits', async () => {
    child = await startChild({ DRAIN_MS: '300' });
    const client = await connect(child.port);
    const call = client.callTool({ name: 'hang', arguments: {} }).then(
      () => 'answered',
      () => 'failed',
    );
    await waitFor(() => child!.output().includes('HANG_STARTED'), 10_000, 'the hanging call to start');
    child.process.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(await call).toBe('failed');
    await client.close();
  }, 60_000);
});

