import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, sessionsFor, type BenchOptions } from './options.js';
import { pinned, runLoad, ServerProcess } from './processes.js';
import { docsSection, memoryTable, ratioLines, soakTable, targetLines, throughputTable } from './report.js';
import { summarize, type BenchResults, type Impl, type MemoryRow, type SoakRow, type ThroughputRow } from './results.js';
import { serverKey, WORKLOADS, type Workload } from './workloads.js';
import type { LoadJob, LoadResult } from './load/load-job.js';

/**
 * `npm run bench`: the raw SDK (express, as its examples do it) against a Nest app with @nestmcp/core, same
 * tools, same load, alternating raw, ours, raw, ours... and medians of the runs.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const IMPLS: Impl[] = ['raw', 'ours'];

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function job(options: BenchOptions, port: number, workload: Workload, fillers: number, extra: Partial<LoadJob> = {}): LoadJob {
  return {
    port,
    kind: workload.kind,
    sessions: workload.sessions,
    connections: options.connections,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    expectedTools: fillers + 1,
    ...extra,
  };
}

function checkErrors(label: string, result: LoadResult): void {
  if (result.errors) log(`  ! ${label}: ${result.errors} bad responses, first: ${result.firstError}`);
}

async function throughput(options: BenchOptions, servers: Record<Impl, ServerProcess>, workload: Workload, fillers: number): Promise<ThroughputRow> {
  const runs: Record<Impl, LoadResult[]> = { raw: [], ours: [] };
  for (let run = 1; run <= options.runs; run++) {
    for (const impl of IMPLS) {
      const result = await runLoad(job(options, servers[impl].port, workload, fillers), options.pin);
      checkErrors(`${workload.name} N=${fillers} ${impl}`, result);
      runs[impl].push(result);
      log(`  ${workload.name} N=${fillers} run ${run} ${impl}: ${result.throughput.toFixed(0)} ops/s, p99 ${result.p99.toFixed(1)} ms`);
    }
  }
  const median = { raw: summarize(runs.raw), ours: summarize(runs.ours) };
  return {
    workload: workload.name,
    title: workload.title,
    fillers,
    runs,
    median,
    ratio: { throughput: median.ours.throughput / median.raw.throughput, p99: median.ours.p99 / median.raw.p99 },
    errors: [...runs.raw, ...runs.ours].reduce((sum, run) => sum + run.errors, 0),
  };
}

async function idleMemory(options: BenchOptions, servers: Record<Impl, ServerProcess>, workload: Workload, fillers: number): Promise<MemoryRow> {
  const sessions = sessionsFor(options, fillers);
  const row: MemoryRow = { fillers, sessions, perSession: { raw: { heapBytes: 0, rssBytes: 0 }, ours: { heapBytes: 0, rssBytes: 0 } }, errors: 0 };
  for (const impl of IMPLS) {
    const before = await servers[impl].memory();
    const result = await runLoad(job(options, servers[impl].port, workload, fillers, { count: sessions }), options.pin);
    checkErrors(`idle-memory N=${fillers} ${impl}`, result);
    row.errors += result.errors;
    const after = await servers[impl].memory();
    const opened = Math.max(1, result.operations);
    row.perSession[impl] = { heapBytes: (after.heapUsed - before.heapUsed) / opened, rssBytes: (after.rss - before.rss) / opened };
    log(`  idle-memory N=${fillers} ${impl}: ${(row.perSession[impl].heapBytes / 1024).toFixed(1)} KB heap per session (${opened} sessions)`);
  }
  return row;
}

async function soak(options: BenchOptions, servers: Record<Impl, ServerProcess>, workload: Workload, fillers: number): Promise<SoakRow> {
  const row = { fillers, seconds: options.soakMs / 1000, heap: {} as SoakRow['heap'], errors: 0 };
  for (const impl of IMPLS) {
    // A short run first, so the "before" heap already holds what a warm server keeps (compiled code, caches).
    await runLoad(job(options, servers[impl].port, workload, fillers, { warmupMs: 0, durationMs: Math.min(options.durationMs, 2000) }), options.pin);
    const before = await servers[impl].memory();
    const result = await runLoad(job(options, servers[impl].port, workload, fillers, { warmupMs: 0, durationMs: options.soakMs }), options.pin);
    checkErrors(`soak N=${fillers} ${impl}`, result);
    row.errors += result.errors;
    const after = await servers[impl].memory();
    row.heap[impl] = { before: before.heapUsed, after: after.heapUsed, growth: after.heapUsed - before.heapUsed, throughput: result.throughput };
    log(`  soak N=${fillers} ${impl}: heap ${(before.heapUsed / 1048576).toFixed(2)} → ${(after.heapUsed / 1048576).toFixed(2)} MB`);
  }
  return row;
}

function profileArgs(options: BenchOptions, impl: Impl, key: string, fillers: number): string[] {
  if (!options.profile || impl !== 'ours') return [];
  const dir = resolve(root, 'bench/results/profiles');
  return ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', `ours-${key}-n${fillers}-${Date.now()}.cpuprofile`];
}

function machine(): BenchResults['machine'] {
  return {
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${type()} ${release()}`,
    node: process.version,
    pinned: pinned(),
    date: new Date().toISOString().slice(0, 10),
  };
}

function writeDocs(results: BenchResults): string {
  const file = resolve(root, 'docs/benchmarks.md');
  const begin = '<!-- bench:begin (generated by `npm run bench -- --write-docs`; edit around it) -->';
  const end = '<!-- bench:end -->';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = `# Benchmarks\n\n## Measured\n\n${begin}\n${end}\n`;
  }
  const from = text.indexOf('<!-- bench:begin');
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${file} lacks the bench markers`);
  writeFileSync(file, `${text.slice(0, from)}${begin}\n${docsSection(results)}\n${text.slice(to)}`);
  return file;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), WORKLOADS.map((workload) => workload.name));
  const selected = WORKLOADS.filter((workload) => options.workloads.includes(workload.name));
  const results: BenchResults = { machine: machine(), options: { ...options }, throughput: [], memory: [], soak: [] };
  // One pair of server processes per server configuration and N; its workloads run in the order of WORKLOADS (soak last).
  const groups = new Map<string, Workload[]>();
  for (const workload of selected) groups.set(serverKey(workload), [...(groups.get(serverKey(workload)) ?? []), workload]);
  const soakFillers = Math.min(...options.fillers);

  for (const fillers of options.fillers) {
    for (const [key, workloads] of groups) {
      const runnable = workloads.filter((workload) => workload.measure !== 'soak' || fillers === soakFillers);
      if (runnable.length === 0) continue;
      log(`${key}, N=${fillers}: starting servers`);
      const started = await Promise.allSettled(IMPLS.map((impl) => ServerProcess.start({ impl, fillers, ...runnable[0].server }, options.pin, profileArgs(options, impl, key, fillers), options.baseline)));
      const servers = {} as Record<Impl, ServerProcess>;
      started.forEach((outcome, index) => outcome.status === 'fulfilled' && (servers[IMPLS[index]] = outcome.value));
      try {
        for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
        for (const workload of runnable) {
          if (workload.measure === 'throughput') results.throughput.push(await throughput(options, servers, workload, fillers));
          else if (workload.measure === 'memory') results.memory.push(await idleMemory(options, servers, workload, fillers));
          else results.soak.push(await soak(options, servers, workload, fillers));
        }
      } finally {
        await Promise.all(Object.values(servers).map((server) => server.stop()));
      }
    }
  }
  results.machine.pinned = pinned();
  const order = (row: { workload: string }) => WORKLOADS.findIndex((workload) => workload.name === row.workload);
  results.throughput.sort((a, b) => order(a) - order(b) || a.fillers - b.fillers);

  if (options.baseline) console.log(`\n"raw" below is the baseline build at ${options.baseline}, not the raw SDK; ratios are this build / baseline.`);
  console.log(`\n${throughputTable(results.throughput)}`);
  if (results.memory.length) console.log(`\n${memoryTable(results.memory)}`);
  if (results.soak.length) console.log(`\n${soakTable(results.soak)}`);
  const targets = targetLines(results);
  if (targets.length && !options.smoke) console.log(`\n${targets.join('\n')}`);
  console.log('');
  for (const line of ratioLines(results)) console.log(line);

  const out = options.out ? resolve(options.out) : resolve(root, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
  log(`raw results: ${out}`);
  if (options.writeDocs) log(`updated ${writeDocs(results)}`);

  const errors = [...results.throughput, ...results.memory, ...results.soak].reduce((sum, row) => sum + row.errors, 0);
  if (errors) log(`${errors} responses were wrong or missing`);
  return errors ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
