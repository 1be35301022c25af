import { performance } from 'node:perf_hooks';
import { findAnswer, McpWire } from '../load/mcp-wire.js';

/** What the scale-out load generator is asked to do. */
export interface ScaleOutJob {
  /** Ports of the instances; each request goes to the next one in turn (a load balancer without stickiness). */
  ports: number[];
  /** call: tools/call `add` on a session per connection; init: initialize + initialized + DELETE per iteration. */
  kind: 'call' | 'init';
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface ScaleOutResult {
  operations: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
}

const job = JSON.parse(process.argv[2]) as ScaleOutJob;
let errors = 0;
let firstError: string | undefined;
const fail = (message: string) => {
  errors++;
  firstError ??= message;
};

/**
 * A closed loop per connection, as the main benchmark's load generator, but every request of a connection goes to
 * the next instance in turn: one keep-alive connection per instance (`McpWire`), the session's requests alternating
 * between them. Every answer is checked against its request.
 */
async function main(): Promise<ScaleOutResult> {
  const wires = Array.from({ length: job.connections }, () => job.ports.map((port) => new McpWire(`http://127.0.0.1:${port}`)));
  let turn = 0;
  const next = (connection: number) => wires[connection][turn++ % job.ports.length];
  const sessions: (string | undefined)[] = [];
  try {
    if (job.kind === 'call') {
      for (const [connection] of wires.entries()) {
        const { sessionId, error } = await next(connection).handshake(connection);
        if (error) throw new Error(error);
        sessions[connection] = sessionId;
      }
    }
    const start = performance.now();
    const from = start + job.warmupMs;
    const to = from + job.durationMs;
    const latencies: number[] = [];
    await Promise.all(
      wires.map(async (_, connection) => {
        for (let seq = 1; performance.now() < to; seq++) {
          const began = performance.now();
          const id = connection * 1_000_000_000 + seq;
          try {
            if (job.kind === 'call') {
              const response = await next(connection).post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'add', arguments: { a: seq, b: connection } } }, sessions[connection]);
              const text = ((findAnswer(response, id)?.result as { content?: { text?: string }[] } | undefined)?.content ?? [])[0]?.text;
              if (text !== String(seq + connection)) fail(`tools/call ${id}: HTTP ${response.status} ${response.text.slice(0, 200)}`);
            } else {
              const { sessionId, error } = await next(connection).handshake(id);
              if (error || !sessionId) fail(error ?? 'no session id');
              else if ((await next(connection).delete(sessionId)).status !== 200) fail('DELETE failed');
            }
          } catch (error) {
            fail(error instanceof Error ? error.message : String(error));
            continue;
          }
          const ended = performance.now();
          if (began >= from && ended <= to) latencies.push(ended - began);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? 0;
    return { operations: latencies.length, throughput: latencies.length / (job.durationMs / 1000), p50: at(50), p99: at(99), errors, firstError };
  } finally {
    await Promise.all(wires.flat().map((wire) => wire.close()));
  }
}

main().then(
  (result) => {
    process.send!({ result });
    process.disconnect();
  },
  (error: unknown) => {
    process.send!({ error: error instanceof Error ? error.message : String(error) });
    process.disconnect();
  },
);
