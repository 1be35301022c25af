/** What the load generator is asked to do (sent as JSON to the load process). */
export interface LoadJob {
  port: number;
  /**
   * call: tools/call `add`; list: tools/list; init: initialize + initialized + DELETE per iteration;
   * open: open `count` sessions and leave them open (memory probe).
   */
  kind: 'call' | 'list' | 'init' | 'open';
  /** per-connection: each connection opens its own session; shared: one session for all; none: stateless. */
  sessions: 'per-connection' | 'shared' | 'none';
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** tools/list must return this many tools. */
  expectedTools: number;
  /** open: how many sessions. */
  count?: number;
  /**
   * Open loop: send this many requests per second on a fixed schedule, whatever the server's pace (a request
   * waits for a free connection when all are busy), and measure each latency from its scheduled send time, so
   * queueing is counted. Without it, the load is a closed loop (each connection sends when its answer came).
   */
  rate?: number;
}

export interface LoadResult {
  /** Completed operations inside the measured window. */
  operations: number;
  /** Operations per second over the measured window. */
  throughput: number;
  p50: number;
  p99: number;
  /** 99.9th percentile (ms). */
  p999: number;
  mean: number;
  /** Every operation the server answered during the job, warm-up included (CPU per call = profile / served). */
  served: number;
  /** Responses that were missing, failed, or carried the wrong id or result (the whole run counts, warm-up too). */
  errors: number;
  firstError?: string;
}
