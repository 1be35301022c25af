import type { LoadResult } from './load/load-job.js';
import type { PeerStatus } from './peers.js';
import type { Impl } from './servers/server-config.js';

export type { Impl };

export interface Summary {
  throughput: number;
  p50: number;
  p99: number;
  p999: number;
}

/** The ratios the tables show: a numerator and a denominator server (higher throughput ratio is better). */
export const RATIOS: readonly [Impl, Impl][] = [
  ['ours', 'raw'],
  ['fastify', 'raw'],
  ['ours', 'mcp-nest'],
  ['ours', 'fastmcp'],
  ['fastify', 'mcp-nest'],
  ['fastify', 'fastmcp'],
];
export const ratioKey = ([a, b]: readonly [Impl, Impl]) => `${a}/${b}`;

export interface ThroughputRow {
  workload: string;
  title: string;
  fillers: number;
  /** The Node version the Node servers ran on (process.version form). */
  node: string;
  runs: Partial<Record<Impl, LoadResult[]>>;
  /** The server's process id in each run (new processes every round for a workload with `freshRounds`). */
  pids: Partial<Record<Impl, number[]>>;
  median: Partial<Record<Impl, Summary>>;
  /** ours / raw: throughput (higher is better) and p99 latency (lower is better). */
  ratio: { throughput: number; p99: number };
  /** Throughput ratios by `a/b` (RATIOS), where both ran. */
  ratios: Record<string, number>;
  /** Spread of the runs per server: (max - min) / median throughput. */
  spread: Partial<Record<Impl, number>>;
  errors: number;
}

export interface LatencyRow {
  workload: string;
  fillers: number;
  node: string;
  fraction: number;
  /** Requests per second sent (fraction x the raw SDK's closed-loop maximum). */
  rate: number;
  /** The raw SDK's closed-loop maximum it was derived from. */
  rawMax: number;
  median: Partial<Record<Impl, Summary>>;
  runs: Partial<Record<Impl, LoadResult[]>>;
  errors: number;
}

export interface MemoryRow {
  fillers: number;
  sessions: number;
  perSession: Partial<Record<Impl, { heapBytes: number; rssBytes: number }>>;
  errors: number;
}

export interface SoakRow {
  fillers: number;
  seconds: number;
  heap: Partial<Record<Impl, { before: number; after: number; growth: number; throughput: number }>>;
  errors: number;
}

/** Server CPU per call by layer, from a CPU profile of one server under one workload. */
export interface LayerRow {
  impl: Impl;
  workload: string;
  fillers: number;
  node: string;
  /** Calls served while the profile ran. */
  calls: number;
  /** The server process's CPU time (user + system, all threads) while the profile ran, microseconds. */
  cpuUs: number;
  /** Busy (non-idle) time in the profile's samples, microseconds: the denominator of the layer shares. */
  busyUs: number;
  /** Microseconds of sampled self time per layer (share = layer / busyUs; CPU per call = share x cpuUs / calls). */
  layers: Record<string, number>;
  profile: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  pinned: boolean;
  date: string;
  /** 1-minute load average at the start and at the end of the run (other jobs on the machine). */
  load: { start: number; end: number };
}

export interface BenchResults {
  machine: Machine;
  /** The command line, as `npm run bench -- ...`. */
  command: string;
  options: Record<string, unknown>;
  /** Node versions of the run, first the main one. */
  nodes: string[];
  peers: Partial<Record<Impl, PeerStatus>>;
  /** Servers that could not be started for a group, and why. */
  skipped: string[];
  throughput: ThroughputRow[];
  latency: LatencyRow[];
  memory: MemoryRow[];
  soak: SoakRow[];
  layers: LayerRow[];
  /** Wall-clock seconds of the run. */
  seconds: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function summarize(runs: LoadResult[]): Summary {
  return {
    throughput: median(runs.map((run) => run.throughput)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    p999: median(runs.map((run) => run.p999 ?? run.p99)),
  };
}

export function spread(runs: LoadResult[]): number {
  const values = runs.map((run) => run.throughput);
  const middle = median(values);
  return middle > 0 ? (Math.max(...values) - Math.min(...values)) / middle : 0;
}
