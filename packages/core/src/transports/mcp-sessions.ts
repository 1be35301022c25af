import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import type { McpListKind } from '../registry/mcp-registry.types.js';
import type { McpSessionState } from '../execution/mcp-session-state.js';
import type { StreamableHttpTransport } from './streamable-http.transport.js';
import { closeProtocol } from './close-protocol.js';

/** One open session: its transport, its protocol server and what it remembers. */
export interface McpSession {
  readonly id: string;
  readonly transport: StreamableHttpTransport;
  readonly server: Server;
  readonly state: McpSessionState;
  lastSeen: number;
}

/**
 * The open sessions of one MCP server. A session is removed whichever way it ends (DELETE, transport
 * closed, shutdown), so nothing per session outlives it. Also fans registry changes out to the sessions.
 */
@Injectable()
export class McpSessions implements OnModuleInit, OnApplicationShutdown {
  private readonly sessions = new Map<string, McpSession>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly registry: McpRegistry) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.registry.onListChanged((kind) => this.listChanged(kind)),
      this.registry.onResourceUpdated((uri) => this.resourceUpdated(uri)),
    );
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): McpSession | undefined {
    const session = this.sessions.get(id);
    if (session) session.lastSeen = Date.now();
    return session;
  }

  add(session: McpSession): void {
    this.sessions.set(session.id, session);
  }

  /** Forgets a session whose transport closed by itself. */
  forget(id: string): void {
    this.sessions.delete(id);
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

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.unsubscribe) stop();
    await this.closeAll();
  }

  private listChanged(kind: McpListKind): void {
    for (const { server } of this.sessions.values()) {
      const sent =
        kind === 'tools' ? server.sendToolListChanged() : kind === 'prompts' ? server.sendPromptListChanged() : server.sendResourceListChanged();
      void sent.catch(() => undefined);
    }
  }

  private resourceUpdated(uri: string): void {
    for (const { server, state } of this.sessions.values()) {
      if (state.subscriptions.has(uri)) void server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
  }
}
