/**
 * The servers the benchmark compares, each serving the same tools (`add` plus N fillers) on 127.0.0.1:
 * - raw: the raw SDK on express, as its examples do it;
 * - ours: a Nest app with @nestmcp/core on the express platform (the app as a user writes it);
 * - fastify: the same Nest app on the Fastify platform;
 * - mcp-nest: @rekog/mcp-nest 2.x (bench/peers/mcp-nest, its own node_modules);
 * - fastmcp: fastmcp 4 (Python, bench/peers/fastmcp, its own virtual environment).
 */
export const IMPLS = ['raw', 'ours', 'fastify', 'mcp-nest', 'fastmcp'] as const;
export type Impl = (typeof IMPLS)[number];

/** The servers whose code is in this repository's build (the others are peers, installed apart). */
export const OWN_IMPLS: readonly Impl[] = ['raw', 'ours', 'fastify'];
/** The servers that run on Node (so on each Node version of the run); fastmcp runs on Python. */
export const NODE_IMPLS: readonly Impl[] = ['raw', 'ours', 'fastify', 'mcp-nest'];

/** What one benchmark server process serves. Every implementation reads the same config. */
export interface ServerConfig {
  impl: Impl;
  /** No sessions: every POST is served on its own (the SDK example makes a new server and transport per request). */
  stateless: boolean;
  /** Answer with one application/json body instead of an SSE stream. */
  json: boolean;
  /** Number of filler tools registered beside `add`. */
  fillers: number;
}

/** Messages between the orchestrator and a server process (IPC). */
export type ServerCommand = { cmd: 'mem' } | { cmd: 'stop' } | { cmd: 'profile-start' } | { cmd: 'profile-stop'; file: string };
export type ServerReply = { port: number } | { mem: MemorySample } | { profiled: string; cpuUs: number } | { profiling: true } | { error: string };

export interface MemorySample {
  heapUsed: number;
  rss: number;
}

export const FILLER_DESCRIPTION = 'A filler tool that the benchmark never calls';

export function fillerName(index: number): string {
  return `filler_${index}`;
}
