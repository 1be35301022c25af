import { resolve } from 'node:path';
import { idleWarmupMs, sessionsFor, type BenchOptions } from './options.js';
import { runLoad, type ServerProcess } from './processes.js';
import { layerTimes } from './layers.js';
import { ratioKey, RATIOS, spread, summarize, type Impl, type LatencyRow, type LayerRow, type MemoryRow, type SoakRow, type ThroughputRow } from './results.js';
import type { Workload } from './workloads.js';
import type { LoadJob, LoadResult } from './load/load-job.js';

/** The server processes of one group (one server configuration and N), by implementation. */
export type Servers = Partial<Record<Impl, ServerProcess>>;

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function job(options: BenchOptions, port: number, workload: Workload, fillers: number, extra: Partial<LoadJob> = {}): LoadJob {
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

const implsOf = (servers: Servers, workload: Workload) => (Object.keys(servers) as Impl[]).filter((impl) => !workload.only || workload.only.includes(impl));

/**
 * Runs the load `runs` times on each server, alternating servers within each round. With `restart` (a workload
 * with `freshRounds`), every round after the first gets new server processes from it, and each is warmed up again.
 */
async function alternate(
  options: BenchOptions,
  servers: Servers,
  workload: Workload,
  fillers: number,
  extra: Partial<LoadJob>,
  label: string,
  restart?: () => Promise<Servers>,
): Promise<{ runs: Partial<Record<Impl, LoadResult[]>>; pids: Partial<Record<Impl, number[]>> }> {
  const runs: Partial<Record<Impl, LoadResult[]>> = {};
  const pids: Partial<Record<Impl, number[]>> = {};
  for (let run = 1; run <= options.runs; run++) {
    if (run > 1 && restart) servers = await restart();
    if (options.roundWarmupMs > 0 && (run === 1 || restart)) {
      for (const impl of implsOf(servers, workload)) {
        const result = await runLoad(job(options, servers[impl]!.port, workload, fillers, { ...extra, warmupMs: 0, durationMs: options.roundWarmupMs }), options.pin);
        checkErrors(`${label} N=${fillers} warm-up ${impl}`, result);
        log(`  ${label} N=${fillers} warm-up ${impl}: ${result.throughput.toFixed(0)} ops/s (not counted)`);
      }
    }
    for (const impl of implsOf(servers, workload)) {
      const result = await runLoad(job(options, servers[impl]!.port, workload, fillers, extra), options.pin);
      checkErrors(`${label} N=${fillers} ${impl}`, result);
      (runs[impl] ??= []).push(result);
      (pids[impl] ??= []).push(servers[impl]!.pid ?? 0);
      log(`  ${label} N=${fillers} run ${run} ${impl}: ${result.throughput.toFixed(0)} ops/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
    }
  }
  return { runs, pids };
}

const errorsOf = (runs: Partial<Record<Impl, LoadResult[]>>) => Object.values(runs).flat().reduce((sum, run) => sum + run!.errors, 0);

export async function throughput(
  options: BenchOptions,
  servers: Servers,
  workload: Workload,
  fillers: number,
  node: string,
  restart?: () => Promise<Servers>,
): Promise<ThroughputRow> {
  const { runs, pids } = await alternate(options, servers, workload, fillers, {}, workload.name, workload.freshRounds ? restart : undefined);
  const median: ThroughputRow['median'] = {};
  const spreads: ThroughputRow['spread'] = {};
  for (const [impl, results] of Object.entries(runs) as [Impl, LoadResult[]][]) {
    median[impl] = summarize(results);
    spreads[impl] = spread(results);
  }
  const ratios: Record<string, number> = {};
  for (const pair of RATIOS) {
    const [a, b] = [median[pair[0]], median[pair[1]]];
    if (a && b && b.throughput > 0) ratios[ratioKey(pair)] = a.throughput / b.throughput;
  }
  const { raw, ours } = median;
  return {
    workload: workload.name,
    title: workload.title,
    fillers,
    node,
    runs,
    pids,
    median,
    ratio: { throughput: raw && ours ? ours.throughput / raw.throughput : NaN, p99: raw && ours ? ours.p99 / raw.p99 : NaN },
    ratios,
    spread: spreads,
    errors: errorsOf(runs),
  };
}

/**
 * Open loop at `fraction` of `rawMax` (the raw SDK's closed-loop throughput measured on the same server
 * configuration and N in this run): every server gets the same schedule.
 */
export async function latency(options: BenchOptions, servers: Servers, workload: Workload, fillers: number, node: string, rawMax: number): Promise<LatencyRow> {
  const fraction = workload.fraction ?? 0.5;
  const rate = Math.max(1, Math.round(rawMax * fraction));
  log(`  ${workload.name} N=${fillers}: ${rate} requests/s (${Math.round(fraction * 100)}% of ${rawMax.toFixed(0)})`);
  const { runs } = await alternate(options, servers, workload, fillers, { rate }, workload.name);
  const median: LatencyRow['median'] = {};
  for (const [impl, results] of Object.entries(runs) as [Impl, LoadResult[]][]) median[impl] = summarize(results);
  return { workload: workload.name, fillers, node, fraction, rate, rawMax, median, runs, errors: errorsOf(runs) };
}

export async function idleMemory(options: BenchOptions, servers: Servers, workload: Workload, fillers: number): Promise<MemoryRow> {
  const sessions = sessionsFor(options, fillers);
  const row: MemoryRow = { fillers, sessions, perSession: {}, errors: 0 };
  for (const impl of implsOf(servers, workload)) {
    const server = servers[impl]!;
    // First a short session-create run (initialize, initialized, DELETE: it leaves no session), so that the heap
    // "before" already holds what a warm server keeps for the session path (compiled code, lazily built schemas),
    // as it does after the throughput workloads of a full run: the figure is what each idle session holds, and
    // does not grow as --sessions shrinks.
    const warm = await runLoad(job(options, server.port, workload, fillers, { kind: 'init', warmupMs: 0, durationMs: idleWarmupMs(options) }), options.pin);
    checkErrors(`idle-memory warm-up N=${fillers} ${impl}`, warm);
    row.errors += warm.errors;
    const before = await server.memory();
    const result = await runLoad(job(options, server.port, workload, fillers, { count: sessions }), options.pin);
    checkErrors(`idle-memory N=${fillers} ${impl}`, result);
    row.errors += result.errors;
    const after = await server.memory();
    const opened = Math.max(1, result.operations);
    row.perSession[impl] = { heapBytes: (after.heapUsed - before.heapUsed) / opened, rssBytes: (after.rss - before.rss) / opened };
    log(`  idle-memory N=${fillers} ${impl}: ${(row.perSession[impl].heapBytes / 1024).toFixed(1)} KB heap per session (${opened} sessions)`);
  }
  return row;
}

export async function soak(options: BenchOptions, servers: Servers, workload: Workload, fillers: number): Promise<SoakRow> {
  const row: SoakRow = { fillers, seconds: options.soakMs / 1000, heap: {}, errors: 0 };
  for (const impl of implsOf(servers, workload)) {
    const server = servers[impl]!;
    // A short run first, so the "before" heap already holds what a warm server keeps (compiled code, caches).
    await runLoad(job(options, server.port, workload, fillers, { warmupMs: 0, durationMs: Math.min(options.durationMs, 2000) }), options.pin);
    const before = await server.memory();
    const result = await runLoad(job(options, server.port, workload, fillers, { warmupMs: 0, durationMs: options.soakMs }), options.pin);
    checkErrors(`soak N=${fillers} ${impl}`, result);
    row.errors += result.errors;
    const after = await server.memory();
    row.heap[impl] = { before: before.heapUsed, after: after.heapUsed, growth: after.heapUsed - before.heapUsed, throughput: result.throughput };
    log(`  soak N=${fillers} ${impl}: heap ${(before.heapUsed / 1048576).toFixed(2)} → ${(after.heapUsed / 1048576).toFixed(2)} MB`);
  }
  return row;
}

/**
 * One profiled run per server: a short warm-up load, then V8's CPU profiler on while the measured load runs, then
 * the process's CPU time over that run split by the profile's shares per layer (layers.ts) and divided by the
 * calls served while it ran.
 */
export async function profileLayers(options: BenchOptions, server: ServerProcess, workload: Workload, fillers: number, node: string, dir: string): Promise<LayerRow> {
  const impl = server.config.impl;
  await runLoad(job(options, server.port, workload, fillers, { warmupMs: 0, durationMs: Math.max(1000, options.warmupMs) }), options.pin);
  const file = resolve(dir, `${impl}-${workload.name}-n${fillers}-${Date.now()}.cpuprofile`);
  await server.profileStart();
  const result = await runLoad(job(options, server.port, workload, fillers, { warmupMs: 0 }), options.pin);
  const cpuUs = await server.profileStop(file);
  checkErrors(`layers ${workload.name} ${impl}`, result);
  const { busyUs, layers } = layerTimes(file);
  log(`  layers ${workload.name} N=${fillers} ${impl}: ${(cpuUs / Math.max(1, result.served)).toFixed(1)} µs CPU per call (${result.served} calls)`);
  return { impl, workload: workload.name, fillers, node, calls: result.served, cpuUs, busyUs, layers, profile: file };
}
