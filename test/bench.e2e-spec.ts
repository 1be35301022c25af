import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Impl = 'raw' | 'ours' | 'fastify' | 'mcp-nest' | 'fastmcp';
interface Run {
  served: number;
  errors: number;
}
interface Row {
  workload: string;
  runs: Partial<Record<Impl, Run[]>>;
  errors: number;
}
interface ThroughputRow extends Row {
  pids: Partial<Record<Impl, number[]>>;
}
interface Results {
  peers: Partial<Record<Impl, { available: boolean; reason?: string }>>;
  throughput: ThroughputRow[];
  latency: (Row & { rate: number })[];
  memory: { errors: number; perSession: Partial<Record<Impl, unknown>> }[];
  soak: { errors: number }[];
  layers: { impl: Impl; calls: number; busyUs: number; layers: Record<string, number> }[];
}

/**
 * The benchmark runs end to end (a short smoke run over every kind of workload): every server starts, the load
 * generator gets a verified answer for each of its requests, the CPU profiles are split by layer, and the raw
 * JSON is written; two rounds, and the stateless workload's second round runs on new server processes. The peers
 * run when they are installed (bench/peers, set up by the bench on first use) and are skipped, and said so, when
 * they are not. No timing is asserted.
 */
describe('npm run bench -- --smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nestmcp-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every kind of workload against every server and writes its results', async () => {
    const out = join(dir, 'results.json');
    const workloads = 'call-session-json,call-stateless-sse,list-json,session-create,latency-50,idle-memory,soak';
    const args = ['run', 'bench', '--', '--smoke', '--no-pin', '--no-peer-setup', '--duration', '0.5', '--runs', '2', '--workloads', workloads, '--layers', '--out', out];
    const stdout = await new Promise<string>((done, fail) => {
      execFile('npm', args, { cwd: process.cwd(), env: { ...process.env, NODE_OPTIONS: '' }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
        error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout),
      );
    });
    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    const expected: Impl[] = ['raw', 'ours', 'fastify'];
    for (const peer of ['mcp-nest', 'fastmcp'] as const) {
      const installed = existsSync(join('bench/peers', peer, peer === 'fastmcp' ? '.venv' : 'node_modules'));
      if (installed) expect(results.peers[peer]).toEqual(expect.objectContaining({ available: true }));
      if (results.peers[peer]?.available) expected.push(peer);
    }
    expect(results.throughput.map((row) => row.workload)).toEqual(['call-session-json', 'call-stateless-sse', 'list-json', 'session-create']);
    for (const row of [...results.throughput, ...results.latency]) {
      expect(row.errors).toBe(0);
      expect(Object.keys(row.runs).sort()).toEqual([...expected].sort());
      for (const impl of expected) expect(row.runs[impl]!.map((run) => run.served > 0)).toEqual([true, true]);
    }
    // One set of processes for both rounds, except for a stateless workload (`freshRounds`): new ones per round.
    for (const row of results.throughput) {
      for (const impl of expected) {
        const [first, second] = row.pids[impl]!;
        expect([row.workload, impl, first === second]).toEqual([row.workload, impl, row.workload !== 'call-stateless-sse']);
      }
    }
    expect(results.latency).toHaveLength(1);
    expect(results.latency[0].rate).toBeGreaterThan(0);
    expect(results.memory).toHaveLength(1);
    expect(Object.keys(results.memory[0].perSession).sort()).toEqual(['fastify', 'ours', 'raw']);
    expect(results.soak).toHaveLength(1);
    expect([...results.memory, ...results.soak].every((row) => row.errors === 0)).toBe(true);
    expect(results.layers.map((row) => row.impl)).toEqual(['raw', 'ours', 'fastify']);
    for (const row of results.layers) {
      expect(row.calls).toBeGreaterThan(0);
      expect(row.layers['our transport (@nestmcp/core: endpoint, transports, http, sessions, context, auth, lifecycle)'] > 0).toBe(row.impl !== 'raw');
    }
    expect(stdout).toMatch(/^call-session-json N=0: ours\/raw throughput [\d.]+x, p99 [\d.]+x; fastify\/raw [\d.]+x/m);
  }, 300_000);
});
