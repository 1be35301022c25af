import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScaleOutJob, ScaleOutResult } from './scale-out-load-main.js';

/**
 * `npm run bench:scale-out`: one instance with in-memory stores against two instances sharing one redis-server
 * (and one instance on Redis, for the cost of the shared stores alone), alternating runs, medians reported.
 * Workloads: tools/call with each session's requests round-robined over the instances, and session creation.
 * Options: --duration <s> (5), --warmup <s> (1), --runs <n> (3), --connections <n> (16), --write-docs, --smoke.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Options {
  durationMs: number;
  warmupMs: number;
  runs: number;
  connections: number;
  writeDocs: boolean;
}

function options(argv: string[]): Options {
  const value = (name: string, fallback: number) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? Number(argv[index + 1]) : fallback;
  };
  const smoke = argv.includes('--smoke');
  return {
    durationMs: value('duration', smoke ? 1 : 5) * 1000,
    warmupMs: value('warmup', smoke ? 0.3 : 1) * 1000,
    runs: value('runs', smoke ? 1 : 3),
    connections: value('connections', 16),
    writeDocs: argv.includes('--write-docs'),
  };
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

function answerOf<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((ok, fail) => {
    child.once('message', (message: T & { error?: string }) => (message.error ? fail(new Error(`${what}: ${message.error}`)) : ok(message)));
    child.once('exit', (code) => fail(new Error(`${what} exited with ${code}`)));
  });
}

/** A redis-server of the benchmark's own, on a free port, no persistence (the figures are the stores' cost, not the disk's). */
async function startRedis(): Promise<{ url: string; stop: () => void }> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('bench:scale-out needs redis-server on the PATH (Debian: apt-get install -y redis-server); .ci/run installs it.');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nestmcp-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 500; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') break;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startInstance(redisUrl?: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = fork(join(here, 'scale-out-server-main.js'), [JSON.stringify({ redisUrl })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await answerOf<{ port: number }>(child, 'bench instance');
  return {
    port,
    stop: async () => {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.send({ cmd: 'stop' });
      await exited;
    },
  };
}

async function runLoad(job: ScaleOutJob): Promise<ScaleOutResult> {
  const child = fork(join(here, 'scale-out-load-main.js'), [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return (await answerOf<{ result: ScaleOutResult }>(child, 'load generator')).result;
}

const SETUPS = ['one in memory', 'one on Redis', 'two on Redis'] as const;
type Setup = (typeof SETUPS)[number];
const WORKLOADS = [
  { kind: 'call', title: 'tools/call, session per connection, JSON' },
  { kind: 'init', title: 'session creation (initialize + initialized, DELETE on the next instance)' },
] as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const redis = await startRedis();
  const instances: Record<Setup, { ports: number[]; stops: (() => Promise<void>)[] }> = {} as never;
  try {
    const memory = await startInstance();
    const single = await startInstance(redis.url);
    const pair = [await startInstance(redis.url), await startInstance(redis.url)];
    instances['one in memory'] = { ports: [memory.port], stops: [memory.stop] };
    instances['one on Redis'] = { ports: [single.port], stops: [single.stop] };
    instances['two on Redis'] = { ports: pair.map((p) => p.port), stops: pair.map((p) => p.stop) };
    const rows: { workload: string; setup: Setup; throughput: number; p50: number; p99: number; errors: number }[] = [];
    for (const workload of WORKLOADS) {
      const runs: Record<Setup, ScaleOutResult[]> = { 'one in memory': [], 'one on Redis': [], 'two on Redis': [] };
      for (let run = 1; run <= opts.runs; run++) {
        for (const setup of SETUPS) {
          const result = await runLoad({ ports: instances[setup].ports, kind: workload.kind, connections: opts.connections, warmupMs: opts.warmupMs, durationMs: opts.durationMs });
          if (result.errors) log(`  ! ${workload.kind} ${setup}: ${result.errors} bad responses, first: ${result.firstError}`);
          runs[setup].push(result);
          log(`  ${workload.kind} run ${run} ${setup}: ${result.throughput.toFixed(0)} ops/s, p99 ${result.p99.toFixed(1)} ms`);
        }
      }
      for (const setup of SETUPS) {
        const all = runs[setup];
        rows.push({
          workload: workload.title,
          setup,
          throughput: median(all.map((r) => r.throughput)),
          p50: median(all.map((r) => r.p50)),
          p99: median(all.map((r) => r.p99)),
          errors: all.reduce((sum, r) => sum + r.errors, 0),
        });
      }
    }
    const table = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}: ${opts.runs} alternating runs of ${opts.durationMs / 1000} s (${opts.warmupMs / 1000} s warm-up), ${opts.connections} connections, medians. One redis-server on the same machine, no persistence; instances and load generator share the cores.`,
      '',
      '| workload | setup | ops/s | p50 ms | p99 ms | vs one in memory | errors |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((row) => {
        const base = rows.find((other) => other.workload === row.workload && other.setup === 'one in memory')!;
        return `| ${row.workload} | ${row.setup} | ${row.throughput.toFixed(0)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${(row.throughput / base.throughput).toFixed(2)}x | ${row.errors} |`;
      }),
    ].join('\n');
    process.stdout.write(`${table}\n`);
    const results = join(root, 'bench/results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, `scale-out-${Date.now()}.json`), JSON.stringify({ options: opts, rows }, null, 2));
    if (opts.writeDocs) {
      const file = join(root, 'docs/benchmarks.md');
      const doc = readFileSync(file, 'utf8');
      const [begin, end] = ['<!-- scale-out:begin -->', '<!-- scale-out:end -->'];
      if (!doc.includes(begin) || !doc.includes(end)) throw new Error(`docs/benchmarks.md has no ${begin} ... ${end} section`);
      writeFileSync(file, `${doc.slice(0, doc.indexOf(begin) + begin.length)}\n${table}\n${doc.slice(doc.indexOf(end))}`);
      log('docs/benchmarks.md: scale-out section written');
    }
    if (rows.some((row) => row.errors > 0)) process.exitCode = 1;
  } finally {
    for (const setup of SETUPS) for (const stop of instances[setup]?.stops ?? []) await stop().catch(() => undefined);
    redis.stop();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
