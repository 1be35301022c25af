import type { LoadJob } from './load/load-job.js';
import type { Impl } from './servers/server-config.js';

export interface Workload {
  name: string;
  /** What the table calls it. */
  title: string;
  server: { stateless: boolean; json: boolean };
  /**
   * throughput: ops/s and latency (closed loop); latency: open-loop latency at a fixed share of the raw SDK's
   * measured maximum; memory: heap and RSS per idle session; soak: heap growth over a long run.
   */
  measure: 'throughput' | 'latency' | 'memory' | 'soak';
  kind: LoadJob['kind'];
  sessions: LoadJob['sessions'];
  /** latency: the rate, as a share of the raw SDK's closed-loop throughput on call-session-json. */
  fraction?: number;
  /** Only these servers (memory and soak need the memory probe of our own server processes). */
  only?: readonly Impl[];
  /**
   * New server processes for every round (each warmed up with `--warmup-round` again) instead of one set for all
   * rounds, so that each round measures every server from the same start: the raw SDK's stateless server builds an
   * McpServer and a transport per request, and its figure within one process kept rising from run to run (785 →
   * 946 → 1,094 ops/s in round four's docs run).
   */
  freshRounds?: boolean;
}

const stateful = (json: boolean) => ({ stateless: false, json });
const PROBED: readonly Impl[] = ['raw', 'ours', 'fastify'];

export const WORKLOADS: Workload[] = [
  { name: 'call-session-json', title: 'tools/call, session per connection, JSON', server: stateful(true), measure: 'throughput', kind: 'call', sessions: 'per-connection' },
  { name: 'call-session-sse', title: 'tools/call, session per connection, SSE', server: stateful(false), measure: 'throughput', kind: 'call', sessions: 'per-connection' },
  { name: 'call-shared-json', title: 'tools/call, one shared session, JSON', server: stateful(true), measure: 'throughput', kind: 'call', sessions: 'shared' },
  { name: 'call-shared-sse', title: 'tools/call, one shared session, SSE', server: stateful(false), measure: 'throughput', kind: 'call', sessions: 'shared' },
  { name: 'call-stateless-json', title: 'tools/call, stateless, JSON', server: { stateless: true, json: true }, measure: 'throughput', kind: 'call', sessions: 'none', freshRounds: true },
  { name: 'call-stateless-sse', title: 'tools/call, stateless, SSE', server: { stateless: true, json: false }, measure: 'throughput', kind: 'call', sessions: 'none', freshRounds: true },
  { name: 'list-json', title: 'tools/list, session per connection, JSON', server: stateful(true), measure: 'throughput', kind: 'list', sessions: 'per-connection' },
  { name: 'session-create', title: 'session creation (initialize + initialized + DELETE)', server: stateful(true), measure: 'throughput', kind: 'init', sessions: 'none' },
  { name: 'latency-50', title: 'tools/call at 50% of the raw SDK maximum (open loop), session per connection, JSON', server: stateful(true), measure: 'latency', kind: 'call', sessions: 'per-connection', fraction: 0.5 },
  { name: 'latency-80', title: 'tools/call at 80% of the raw SDK maximum (open loop), session per connection, JSON', server: stateful(true), measure: 'latency', kind: 'call', sessions: 'per-connection', fraction: 0.8 },
  { name: 'idle-memory', title: 'heap and RSS per idle session', server: stateful(true), measure: 'memory', kind: 'open', sessions: 'none', only: PROBED },
  { name: 'soak', title: 'heap growth over a long tools/call run', server: stateful(true), measure: 'soak', kind: 'call', sessions: 'per-connection', only: ['raw', 'ours'] },
];

/** The closed-loop workload whose raw-SDK throughput sets the open-loop rates. */
export const RATE_REFERENCE = 'call-session-json';

export function serverKey(workload: Workload): string {
  return `${workload.server.stateless ? 'stateless' : 'stateful'}-${workload.server.json ? 'json' : 'sse'}`;
}
