/** What one benchmark server process serves. Both implementations read the same config. */
export interface ServerConfig {
  impl: 'raw' | 'ours';
  /** No sessions: every POST is served on its own (the SDK example makes a new server and transport per request). */
  stateless: boolean;
  /** Answer with one application/json body instead of an SSE stream. */
  json: boolean;
  /** Number of filler tools registered beside `add`. */
  fillers: number;
}

/** Messages between the orchestrator and a server process (IPC). */
export type ServerCommand = { cmd: 'mem' } | { cmd: 'stop' };
export type ServerReply = { port: number } | { mem: MemorySample } | { error: string };

export interface MemorySample {
  heapUsed: number;
  rss: number;
}

export const FILLER_DESCRIPTION = 'A filler tool that the benchmark never calls';

export function fillerName(index: number): string {
  return `filler_${index}`;
}
