import type { LoadResult } from './load/load-job.js';

export type Impl = 'raw' | 'ours';

export interface Summary {
  throughput: number;
  p50: number;
  p99: number;
}

export interface ThroughputRow {
  workload: string;
  title: string;
  fillers: number;
  runs: Record<Impl, LoadResult[]>;
  median: Record<Impl, Summary>;
  /** ours / raw: throughput (higher is better) and p99 latency (lower is better). */
  ratio: { throughput: number; p99: number };
  errors: number;
}

export interface MemoryRow {
  fillers: number;
  sessions: number;
  perSession: Record<Impl, { heapBytes: number; rssBytes: number }>;
  errors: number;
}

export interface SoakRow {
  fillers: number;
  seconds: number;
  heap: Record<Impl, { before: number; after: number; growth: number; throughput: number }>;
  errors: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  pinned: boolean;
  date: string;
}

export interface BenchResults {
  machine: Machine;
  options: Record<string, unknown>;
  throughput: ThroughputRow[];
  memory: MemoryRow[];
  soak: SoakRow[];
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
  };
}
