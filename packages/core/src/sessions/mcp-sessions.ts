import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { McpSessionState, type McpSessionStateChange } from '../context/mcp-session-state.js';
import type { McpListKind } from '../registry/mcp-registry.types.js';
import { McpSessionStore, type McpSessionRecord, type McpSessionRecordChanges, type McpSessionTransportKind } from '../stores/mcp-session-store.js';
import { McpStoreKeys } from '../stores/mcp-store-keys.js';
import { closeProtocol } from './close-protocol.js';
import { McpNotifications } from './mcp-notifications.js';
import { notifyListChanged, type McpSession, type McpSessionInit } from './mcp-session.js';

export type { McpSession } from './mcp-session.js';

const logger = new Logger('McpSessions');

/**
 * The session service of one MCP server, for both 2025 transports (Streamable HTTP and legacy SSE). It keeps
 * each session's record in the `McpSessionStore` (serialisable: owner, negotiated version, client info and
 * capabilities, log level, subscriptions, last seen; expiry owned by the store) and its live objects (SDK Server,
 * transport, open responses) in the local connections table, `sessions`. The owner check is here, in `get()`, so
 * no store can drop it; log level and subscriptions change only through the `McpSessionState` it makes, which
 * writes through to the store. A session is removed whichever way it ends (DELETE, transport closed, idle
 * sweep, shutdown), so nothing per session outlives it. Limits, draining and the sweep timer are `McpLifecycle`'s.
 */
@Injectable()
export class McpSessions implements OnModuleInit {
  /** The local connections table: live sessions of this process, by id. */
  private readonly sessions = new Map<string, McpSession>();
  private readonly perCaller = new Map<string, number>();
  private readonly idleMs: number;
  /** The store's record is renewed at most this often per session (touching on every request would cost a write each). */
  private readonly touchEveryMs: number;

  constructor(
    private readonly options: McpResolvedOptions,
    @Inject(McpSessionStore) private readonly store: McpSessionStore,
    private readonly keys: McpStoreKeys,
    private readonly notifications: McpNotifications,
  ) {
    this.idleMs = options.limits.sessionIdleTimeoutMs;
    this.touchEveryMs = this.idleMs > 0 ? Math.max(10, Math.min(this.idleMs / 4, 60_000)) : Infinity;
  }

  onModuleInit(): void {
    this.notifications.add({
      listChanged: (kind) => this.listChanged(kind),
      resourceUpdated: (uri) => this.resourceUpdated(uri),
    });
  }

  /** Sessions held by this process, of both transports. */
  get size(): number {
    return this.sessions.size;
  }

  /** Open responses over all sessions: SSE streams and requests waiting for their answer. */
  get openStreams(): number {
    let count = 0;
    for (const { transport } of this.sessions.values()) count += transport.openStreams;
    return count;
  }

  /** Requests waiting for their answer, over all sessions. */
  get pendingRequests(): number {
    let count = 0;
    for (const { transport } of this.sessions.values()) count += transport.pendingRequests;
    return count;
  }

  /** The live sessions of this process. */
  list(): IterableIterator<McpSession> {
    return this.sessions.values();
  }

  /** Sessions of one transport kind. */
  countOf(kind: McpSessionTransportKind): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.kind === kind) count++;
    return count;
  }

  /** Sessions a caller holds (for the per-caller cap). */
  countFor(callerKey: string): number {
    return this.perCaller.get(callerKey) ?? 0;
  }

  /**
   * The session `id` of transport `kind` if it belongs to `owner` (the principal of the request; `undefined`
   * without auth), and marks it used. Another principal's session is not found, exactly like an unknown id, and is
   * not kept alive by it. (With a shared store, a local miss is where a session held by another process would be
   * rebuilt from its record: see docs/architecture.md.)
   */
  get(id: string, owner?: string, kind: McpSessionTransportKind = 'streamable-http'): McpSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.owner !== owner || session.kind !== kind) return undefined;
    this.seen(session, Date.now());
    return session;
  }

  /** The key of session `id` in the stores (namespaced by server). */
  storeKey(id: string): string {
    return this.keys.session(id);
  }

  /** A fresh state for a new session, writing its changes through to the store. */
  newState(id: string): McpSessionState {
    const key = this.keys.session(id);
    return new McpSessionState(id, this.options.limits.maxSubscriptionsPerSession, (change) => this.changed(key, change));
  }

  /** Opens a session: its record goes to the store, its live objects to the local table. */
  async open(init: McpSessionInit): Promise<McpSession> {
    const now = Date.now();
    const key = this.keys.session(init.id);
    const session: McpSession = { ...init, key, lastSeen: now, touchedAt: now };
    this.sessions.set(init.id, session);
    if (init.callerKey !== undefined) this.perCaller.set(init.callerKey, this.countFor(init.callerKey) + 1);
    const record: McpSessionRecord = {
      id: init.id,
      server: this.options.name,
      transport: init.kind,
      ...(init.owner !== undefined && { owner: init.owner }),
      subscriptions: [],
      createdAt: now,
      lastSeen: now,
    };
    await this.store.set(key, record, this.idleMs).catch((error: unknown) => logger.warn(`session store: ${String(error)}`));
    return session;
  }

  /** Records what initialize negotiated (so the connection can be rebuilt from the record). */
  initialized(id: string, changes: McpSessionRecordChanges): void {
    const session = this.sessions.get(id);
    if (session) void this.update(session.key, changes);
  }

  /** Forgets a session whose transport closed by itself. */
  forget(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.remove(session);
  }

  /** Ends a session: aborts its in-flight requests, ends its streams and forgets it. */
  async close(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.remove(session);
    await closeProtocol(session.server, session.transport);
    return true;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  /** Ends the streams of every session that carry no answer (shutdown). */
  endStandaloneStreams(): void {
    for (const { transport } of this.sessions.values()) transport.endStandalone();
  }

  /** Closes sessions with no open response and no request for `sessionIdleTimeoutMs`; an open response keeps one alive. */
  sweepIdle(now = Date.now()): void {
    if (this.idleMs <= 0) return;
    for (const session of [...this.sessions.values()]) {
      if (session.transport.openStreams > 0) this.seen(session, now);
      else if (now - session.lastSeen >= this.idleMs) void this.close(session.id);
    }
  }

  private seen(session: McpSession, now: number): void {
    session.lastSeen = now;
    if (now - session.touchedAt < this.touchEveryMs) return;
    session.touchedAt = now;
    this.store.touch(session.key, this.idleMs).catch((error: unknown) => logger.warn(`session store: ${String(error)}`));
  }

  private remove(session: McpSession): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    if (session.callerKey !== undefined) {
      const left = this.countFor(session.callerKey) - 1;
      if (left > 0) this.perCaller.set(session.callerKey, left);
      else this.perCaller.delete(session.callerKey);
    }
    this.store.delete(session.key).catch((error: unknown) => logger.warn(`session store: ${String(error)}`));
  }

  private changed(key: string, change: McpSessionStateChange): Promise<void> {
    return this.update(key, change);
  }

  private async update(key: string, changes: McpSessionRecordChanges): Promise<void> {
    await this.store.update(key, changes, this.idleMs).catch((error: unknown) => logger.warn(`session store: ${String(error)}`));
  }

  private listChanged(kind: McpListKind): void {
    // A session whose stream is gone just misses the notification.
    for (const { server } of this.sessions.values()) void notifyListChanged(server, kind).catch(() => undefined);
  }

  private resourceUpdated(uri: string): void {
    for (const { server, state } of this.sessions.values()) {
      if (state.subscriptions.has(uri)) void server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
  }
}
