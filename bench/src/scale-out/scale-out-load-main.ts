import { findAnswer, McpWire } from '../load/mcp-wire.js';
import { closedLoop, percentile, reportToParent } from '../load/closed-loop.js';

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
 * A closed loop per connection (closed-loop.ts, as the main benchmark's load generator), but every request of a connection goes to
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
    const { latencies } = await closedLoop(
      async (connection, seq) => {
        const id = connection * 1_000_000_000 + seq;
        if (job.kind === 'call') {
          const response = await next(connection).post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'add', arguments: { a: seq, b: connection } } }, sessions[connection]);
          const text = ((findAnswer(response, id)?.result as { content?: { text?: string }[] } | undefined)?.content ?? [])[0]?.text;
          if (text !== String(seq + connection)) fail(`tools/call ${id}: HTTP ${response.status} ${response.text.slice(0, 200)}`);
        } else {
          const { sessionId, error } = await next(connection).handshake(id);
          if (error || !sessionId) fail(error ?? 'no session id');
          else if ((await next(connection).delete(sessionId)).status !== 200) fail('DELETE failed');
        }
      },
      job,
      fail,
    );
    latencies.sort((a, b) => a - b);
    const at = (p: number) => percentile(latencies, p);
    return { operations: latencies.length, throughput: latencies.length / (job.durationMs / 1000), p50: at(50), p99: at(99), errors, firstError };
  } finally {
    await Promise.all(wires.flat().map((wire) => wire.close()));
  }
}

reportToParent(main);
