import { findAnswer, McpWire } from './mcp-wire.js';
import { openLoop, type Operation } from './open-loop.js';
import type { LoadJob, LoadResult } from './load-job.js';
import { closedLoop, percentile, reportToParent } from './closed-loop.js';

/**
 * The load generator process: a fixed number of keep-alive connections, each sending one request at a time
 * (closed loop), for a warm-up and then a measured window. Every answer is checked against its own request:
 * the JSON-RPC id must be the one sent and the result the one expected (3 + 4 = 7 for `add`, N + 1 tools for
 * tools/list), whether it came as a JSON body or as an SSE frame. With `rate`, the requests go out on a fixed
 * schedule instead (open loop, see open-loop.ts).
 */
const job = JSON.parse(process.argv[2]) as LoadJob;
const origin = `http://127.0.0.1:${job.port}`;

let errors = 0;
let firstError: string | undefined;
function fail(message: string): void {
  errors++;
  firstError ??= message;
}

function checkCall(connection: number, seq: number, id: number, answer: Record<string, unknown> | undefined): void {
  const result = answer?.result as { content?: { text?: string }[] } | undefined;
  const expected = String(seq + connection);
  if (result?.content?.[0]?.text !== expected) fail(`tools/call ${id}: expected ${expected}, got ${JSON.stringify(answer).slice(0, 200)}`);
}

function operation(sessionOf: (connection: number) => string | undefined): Operation {
  if (job.kind === 'call') {
    return async (wire, connection, seq) => {
      const id = connection * 1_000_000_000 + seq;
      const response = await wire.post(
        { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'add', arguments: { a: seq, b: connection } } },
        sessionOf(connection),
      );
      checkCall(connection, seq, id, response.status === 200 ? findAnswer(response, id) : undefined);
    };
  }
  if (job.kind === 'list') {
    // A tools/list answer with 1,000 tools is ~200 KB: parsing each one would make the load generator the
    // bottleneck. Each connection fully checks one answer; a later answer must then be byte-identical to it
    // but for the id (an exact check, memcmp-fast), else it is parsed and checked in full.
    const verified: { text: string; id: number }[] = [];
    return async (wire, connection, seq) => {
      const id = connection * 1_000_000_000 + seq;
      const response = await wire.post({ jsonrpc: '2.0', id, method: 'tools/list', params: {} }, sessionOf(connection));
      const reference = verified[connection];
      if (reference && response.status === 200 && response.text === reference.text.replace(`"id":${reference.id}`, `"id":${id}`)) return;
      const answer = response.status === 200 ? findAnswer(response, id) : undefined;
      const tools = (answer?.result as { tools?: unknown[] } | undefined)?.tools;
      if (tools?.length !== job.expectedTools) return fail(`tools/list ${id}: expected ${job.expectedTools} tools, got ${tools?.length}`);
      if (response.text.split(`"id":${id}`).length === 2) verified[connection] = { text: response.text, id };
    };
  }
  return async (wire, connection, seq) => {
    const { sessionId, error } = await wire.handshake(connection * 1_000_000_000 + seq);
    if (error || !sessionId) return fail(error ?? 'initialize: no Mcp-Session-Id');
    const closed = await wire.delete(sessionId);
    if (closed.status !== 200) fail(`DELETE: HTTP ${closed.status}`);
  };
}

function summary(latencies: number[], served: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const seconds = job.durationMs / 1000;
  return {
    operations: latencies.length,
    throughput: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    p999: percentile(latencies, 99.9),
    mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length),
    served,
    errors,
    firstError,
  };
}

async function measure(wires: McpWire[], sessionOf: (connection: number) => string | undefined): Promise<LoadResult> {
  const op = operation(sessionOf);
  if (job.rate) {
    const { latencies, served } = await openLoop(wires, op, { rate: job.rate, warmupMs: job.warmupMs, durationMs: job.durationMs }, fail);
    return summary(latencies, served);
  }
  const { latencies, served } = await closedLoop((connection, seq) => op(wires[connection], connection, seq), job, fail);
  return summary(latencies, served);
}

/** Opens `count` sessions, `connections` at a time, and leaves them open on the server. */
async function open(wires: McpWire[]): Promise<LoadResult> {
  let next = 0;
  let opened = 0;
  const count = job.count ?? 0;
  await Promise.all(
    wires.map(async (wire, connection) => {
      while (next < count) {
        const seq = ++next;
        const { sessionId, error } = await wire.handshake(connection * 1_000_000_000 + seq);
        if (error || !sessionId) fail(error ?? 'no session id');
        else opened++;
      }
    }),
  );
  return { operations: opened, throughput: 0, p50: 0, p99: 0, p999: 0, mean: 0, served: opened, errors, firstError };
}

async function main(): Promise<LoadResult> {
  const wires = Array.from({ length: job.connections }, () => new McpWire(origin));
  try {
    if (job.kind === 'open') return await open(wires);
    const sessions: (string | undefined)[] = [];
    if (job.sessions === 'per-connection') {
      await Promise.all(
        wires.map(async (wire, connection) => {
          const { sessionId, error } = await wire.handshake(connection);
          if (error) throw new Error(error);
          sessions[connection] = sessionId;
        }),
      );
    } else if (job.sessions === 'shared') {
      const { sessionId, error } = await wires[0].handshake(0);
      if (error) throw new Error(error);
      sessions.push(sessionId);
    }
    const sessionOf = job.sessions === 'shared' ? () => sessions[0] : (connection: number) => sessions[connection];
    return await measure(wires, sessionOf);
  } finally {
    await Promise.all(wires.map((wire) => wire.close()));
  }
}

reportToParent(main);
