import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { forwardRegistryNotifications } from './session-notifications.js';
import type { McpSessionState } from '../context/mcp-session-state.js';
import type { StreamableHttpTransport } from './streamable-http.transport.js';
import { resolveMcpLimits, type ResolvedMcpLimits } from '../options/mcp-limits.js';
import { closeProtocol } from './close-protocol.js';

/** One open session: its transport, its protocol server and what it remembers. */
export interface McpSession {
  readonly id: string;
  readonly transport: StreamableHttpTransport;
  readonly server: Server;
  readonly state: McpSessionState;
  /** The principal (token issuer + subject) that opened it, on servers with auth; only it may use the session. */
  readonly owner?: string;
  lastSeen: number;
}

/** Whether a new session may open now. */
export type McpAdmission = 'open' | 'full' | 'draining';

/** How often idle sessions are looked for, at most. */
const MAX_SWEEP_INTERVAL_MS = 60_000;
const DRAIN_POLL_MS = 25;

/**
 * The open sessions of one MCP server. A session is removed whichever way it ends (DELETE, transport
 * closed, idle timeout, shutdown), so nothing per session outlives it. Also fans registry changes out to
 * the sessions, and drains them on shutdown: no new sessions, in-flight requests finish (up to
 * `limits.drainTimeoutMs`), streams end cleanly, then every session is closed.
 */
@Injectable()
export class McpSessions implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly sessions = new Map<string, McpSession>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly limits: ResolvedMcpLimits;
  private sweeper?: NodeJS.Timeout;
  private drainingSince?: number;
  /** Requests being served without a session (stateless servers). */
  private statelessInFlight = 0;

  constructor(
    private readonly registry: McpRegistry,
    @Inject(MCP_MODULE_OPTIONS) options: McpModuleOptions,
  ) {
    this.limits = resolveMcpLimits(options.limits);
  }

  onModuleInit(): void {
    this.unsubscribe.push(forwardRegistryNotifications(this.registry, () => this.sessions.values()));
    const idle = this.limits.sessionIdleTimeoutMs;
    if (idle > 0) {
      this.sweeper = setInterval(() => this.sweepIdle(), Math.max(10, Math.min(idle / 2, MAX_SWEEP_INTERVAL_MS)));
      this.sweeper.unref();
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Whether the server is shutting down (no new sessions). */
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Open responses over all sessions: SSE streams and requests waiting for their answer. */
  get openStreams(): number {
    let count = 0;
    for (const { transport } of this.sessions.values()) count += transport.openStreams;
    return count;
  }

  /** Requests waiting for their answer, over all sessions and stateless requests. */
  get pendingRequests(): number {
    let count = this.statelessInFlight;
    for (const { transport } of this.sessions.values()) count += transport.pendingRequests;
    return count;
  }

  /** Whether a new session may be opened now. */
  admission(): McpAdmission {
    if (this.draining) return 'draining';
    return this.sessions.size >= this.limits.maxSessions ? 'full' : 'open';
  }

  /**
   * The session `id` if it belongs to `owner` (the principal of the request; `undefined` without auth), and marks
   * it used. Another principal's session is not found, exactly like an unknown id, and is not kept alive by it.
   */
  get(id: string, owner?: string): McpSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.owner !== owner) return undefined;
    session.lastSeen = Date.now();
    return session;
  }

  add(session: McpSession): void {
    this.sessions.set(session.id, session);
  }

  /** Forgets a session whose transport closed by itself. */
  forget(id: string): void {
    this.sessions.delete(id);
  }

  /** Counts a stateless request while `served` runs, so shutdown waits for it too. */
  async trackStateless<T>(served: () => Promise<T>): Promise<T> {
    this.statelessInFlight++;
    try {
      return await served();
    } finally {
      this.statelessInFlight--;
    }
  }

  /** Ends a session: aborts its in-flight requests, ends its streams and forgets it. */
  async close(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    await closeProtocol(session.server, session.transport);
    return true;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  /** Closes sessions with no open response and no request for `sessionIdleTimeoutMs`. */
  sweepIdle(now = Date.now()): void {
    const idle = this.limits.sessionIdleTimeoutMs;
    for (const session of [...this.sessions.values()]) {
      if (session.transport.openStreams > 0) session.lastSeen = now;
      else if (now - session.lastSeen >= idle) void this.close(session.id);
    }
  }

  /**
   * Shutdown, step one (before Nest closes the HTTP server): take no new sessions, end the standalone
   * streams, and let in-flight requests finish for up to `drainTimeoutMs`.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.draining) return;
    this.drainingSince = Date.now();
    for (const { transport } of this.sessions.values()) transport.endStandalone();
    const deadline = this.drainingSince + this.limits.drainTimeoutMs;
    while (this.pendingRequests > 0 && Date.now() < deadline) await sleep(DRAIN_POLL_MS);
    await this.closeAll();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    for (const stop of this.unsubscribe.splice(0)) stop();
    await this.closeAll();
  }
}
