import { performance } from 'node:perf_hooks';
import type { McpWire } from './mcp-wire.js';

export type Operation = (wire: McpWire, connection: number, seq: number) => Promise<void>;

export interface OpenLoopWindow {
  rate: number;
  warmupMs: number;
  durationMs: number;
}

/**
 * Sends requests at a fixed rate (open loop): request i is due at start + i / rate. A due request goes out on the
 * first free connection (each connection carries one request at a time); when none is free it waits in a queue.
 * Its latency runs from the time it was due, not from when it could be sent, so a server that falls behind is
 * charged for the queue it causes (no coordinated omission). Returns the latencies of the requests due inside
 * the measured window, each counted once it is answered, however late.
 */
export async function openLoop(wires: McpWire[], op: Operation, window: OpenLoopWindow, onError: (message: string) => void): Promise<{ latencies: number[]; served: number }> {
  const interval = 1000 / window.rate;
  const start = performance.now();
  const measureFrom = start + window.warmupMs;
  const measureTo = measureFrom + window.durationMs;
  const latencies: number[] = [];
  const queue: { seq: number; due: number }[] = [];
  const idle: number[] = wires.map((_, connection) => connection);
  let scheduled = 0;
  let inFlight = 0;
  let served = 0;
  let finish: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const send = (connection: number, seq: number, due: number) => {
    inFlight++;
    op(wires[connection], connection, seq).then(
      () => {
        const latency = performance.now() - due;
        served++;
        if (due >= measureFrom && due < measureTo) latencies.push(latency);
      },
      (error: unknown) => onError(error instanceof Error ? error.message : String(error)),
    ).finally(() => {
      inFlight--;
      const next = queue.shift();
      if (next) send(connection, next.seq, next.due);
      else idle.push(connection);
      if (inFlight === 0 && queue.length === 0 && scheduled === -1) finish();
    });
  };

  const tick = () => {
    const now = performance.now();
    for (let due = start + scheduled * interval; due <= now && due < measureTo; due = start + scheduled * interval) {
      scheduled++;
      const connection = idle.pop();
      if (connection === undefined) queue.push({ seq: scheduled, due });
      else send(connection, scheduled, due);
    }
    const nextDue = start + scheduled * interval;
    if (nextDue >= measureTo) {
      scheduled = -1;
      if (inFlight === 0 && queue.length === 0) finish();
      return;
    }
    // setTimeout fires a millisecond late at best: close to the next send, yield to I/O with setImmediate instead.
    const wait = nextDue - performance.now();
    if (wait > 1.5) setTimeout(tick, wait - 1);
    else setImmediate(tick);
  };
  tick();
  await finished;
  return { latencies, served };
}
