import { Injectable } from '@nestjs/common';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { McpSessions } from '../sessions/mcp-sessions.js';
import { McpLifecycle } from '../lifecycle/mcp-lifecycle.js';

/** What the health endpoint and `McpHealth.check()` report about one MCP server. */
export interface McpHealthReport {
  /** `ok`: serving; `draining`: shutting down, takes no new sessions (readiness should fail). */
  status: 'ok' | 'draining';
  server: string;
  /** Sessions of both transports (Streamable HTTP and legacy SSE). */
  sessions: number;
  /** 2026-07-28 `subscriptions/listen` streams; `maxSessions` counts them with the sessions. */
  listenStreams: number;
  maxSessions: number;
  /** Open responses: SSE streams (of both transports and 2026-07-28 listen streams) and requests waiting for their answer. */
  streams: number;
  /** Requests waiting for their answer, in sessions, stateless and 2026-07-28. */
  pendingRequests: number;
}

/**
 * Health of one MCP server, for a readiness probe, as the one admission path (`McpLifecycle`) counts it. Served at
 * `health.path` when the `health` option is on, or call `check()` from your own endpoint (e.g. in a
 * @nestjs/terminus indicator).
 */
@Injectable()
export class McpHealth {
  constructor(
    private readonly lifecycle: McpLifecycle,
    private readonly sessions: McpSessions,
    private readonly options: McpResolvedOptions,
  ) {}

  check(): McpHealthReport {
    return {
      status: this.lifecycle.draining ? 'draining' : 'ok',
      server: this.options.name,
      sessions: this.sessions.size,
      listenStreams: this.lifecycle.listenStreams,
      maxSessions: this.options.limits.maxSessions,
      streams: this.lifecycle.streams,
      pendingRequests: this.lifecycle.pendingRequests,
    };
  }

  /** Whether the server takes new sessions (not draining, not full). */
  isReady(): boolean {
    return this.lifecycle.admitSession() === 'open';
  }
}
