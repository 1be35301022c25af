import { Inject, Injectable } from '@nestjs/common';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { McpSessions } from '../transports/mcp-sessions.js';
import { resolveMcpLimits } from '../options/mcp-limits.js';

/** What the health endpoint and `McpHealth.check()` report about one MCP server. */
export interface McpHealthReport {
  /** `ok`: serving; `draining`: shutting down, takes no new sessions (readiness should fail). */
  status: 'ok' | 'draining';
  server: string;
  sessions: number;
  maxSessions: number;
  /** Open responses: SSE streams and requests waiting for their answer. */
  streams: number;
  pendingRequests: number;
}

/**
 * Health of one MCP server, for a readiness probe. Served at `health.path` when the `health` option is on,
 * or call `check()` from your own endpoint (e.g. in a @nestjs/terminus indicator).
 */
@Injectable()
export class McpHealth {
  private readonly maxSessions: number;

  constructor(
    private readonly sessions: McpSessions,
    @Inject(MCP_MODULE_OPTIONS) private readonly options: McpModuleOptions,
  ) {
    this.maxSessions = resolveMcpLimits(options.limits).maxSessions;
  }

  check(): McpHealthReport {
    return {
      status: this.sessions.draining ? 'draining' : 'ok',
      server: this.options.name,
      sessions: this.sessions.size,
      maxSessions: this.maxSessions,
      streams: this.sessions.openStreams,
      pendingRequests: this.sessions.pendingRequests,
    };
  }

  /** Whether the server takes new sessions (not draining, not full). */
  isReady(): boolean {
    return this.sessions.admission() === 'open';
  }
}
