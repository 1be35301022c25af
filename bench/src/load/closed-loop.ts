import { performance } from 'node:perf_hooks';

/** One operation of a connection: `seq` counts from 1 per connection. */
export type ConnectionOperation = (connection: number, seq: number) => Promise<void>;

export interface ClosedLoopWindow {
  connections: number;
  warmupMs: number;
  durationMs: number;
}

/**
 * Each connection sends its next operation when the last one is answered (closed loop), through a warm-up and a
 * measured window. Returns the latencies of the operations answered inside the window (whenever they were sent),
 * and how many were answered in all (warm-up included). A failed operation is reported and its connection pauses
 * 10 ms. Counting the answers that end inside the window gives the server's rate whatever its latency; counting
 * only operations that also began inside it (as until round four) dropped up to one operation per connection at
 * each edge: nothing for a server answering in milliseconds, most of the answers of one taking seconds (the raw
 * SDK at N = 1000: 5 ops/s counted in 2 s windows, where its warm-up run read 24).
 */
export async function closedLoop(op: ConnectionOperation, window: ClosedLoopWindow, onError: (message: string) => void): Promise<{ latencies: number[]; served: number }> {
  let served = 0;
  const measureFrom = performance.now() + window.warmupMs;
  const measureTo = measureFrom + window.durationMs;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: window.connections }, async (_, connection) => {
      for (let seq = 1; performance.now() < measureTo; seq++) {
        const began = performance.now();
        try {
          await op(connection, seq);
        } catch (error) {
          onError(error instanceof Error ? error.message : String(error));
          await new Promise((resolve) => setTimeout(resolve, 10));
          continue;
        }
        const ended = performance.now();
        served++;
        if (ended >= measureFrom && ended <= measureTo) latencies.push(ended - began);
      }
    }),
  );
  return { latencies, served };
}

/** The p-th percentile of sorted latencies (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs a load process's job and sends its result (or its error) to the parent over IPC. */
export function reportToParent(job: () => Promise<unknown>): void {
  job().then(
    (result) => {
      process.send!({ result });
      process.disconnect();
    },
    (error: unknown) => {
      process.send!({ error: error instanceof Error ? error.message : String(error) });
      process.disconnect();
    },
  );
}
