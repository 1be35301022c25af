import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { forwardRegistryNotifications } from './session-notifications.js';
import type { McpSessionState } from '../context/mcp-session-state.js';
import type { SseTransport } from './sse.transport.js';

/** One open legacy SSE connection: the connection is the session. */
export interface SseSession {
  readonly id: string;
  readonly transport: SseTransport;
  readonly server: Server;
  readonly state: McpSessionState;
  /** The principal (issuer + subject) that opened it, when the server has auth. */
  readonly owner?: string;
}

/**
 * The open sessions of the legacy HTTP+SSE transport of one MCP server. A session lives exactly as long as
 * its GET stream: it is removed when the client disconnects, so the map holds open connections only.
 * Kept apart from the Streamable HTTP sessions, so an id of one transport is never accepted by the other.
 */
@Injectable()
export class SseSessions implements OnModuleInit, BeforeApplicationShutdown {
  private readonly sessions = new Map<string, SseSession>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly registry: McpRegistry) {}

  onModuleInit(): void {
    this.unsubscribe.push(forwardRegistryNotifications(this.registry, () => this.sessions.values()));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session `id` if it belongs to `owner` (see `McpSessions.get()`); another principal's is not found. */
  get(id: string, owner?: string): SseSession | undefined {
    const session = this.sessions.get(id);
    return session && session.owner === owner ? session : undefined;
  }

  add(session: SseSession): void {
    this.sessions.set(session.id, session);
  }

  /** Forgets a session whose stream closed. */
  forget(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every stream before the HTTP server closes, so it is not kept open by them. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const stop of this.unsubscribe) stop();
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(open.map(({ server }) => server.close()));
  }
}
