import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { McpSessionState, type McpSessionStateChange, type McpSessionStateSink } from '../context/mcp-session-state.js';
import type { McpListKind } from '../registry/mcp-registry.types.js';
import { McpSessionStore, type McpSessionRecord, type McpSessionRecordChanges, type McpSessionTransportKind } from '../stores/mcp-session-store.js';
import { McpStoreKeys } from '../stores/mcp-store-keys.js';
import { McpMessageBus } from '../stores/mcp-message-bus.js';
import { InMemorySessionStore } from '../stores/in-memory-session-store.js';
import { InMemoryMessageBus } from '../stores/in-memory-message-bus.js';
import { closeProtocol } from './close-protocol.js';
import { McpNotifications } from './mcp-notifications.js';
import { McpSessionRelay } from './mcp-session-relay.js';
import { notifyListChanged, type McpSession, type McpSessionInit, type McpSessionRebuilder } from './mcp-session.js';

export type { McpSession, McpSessionRebuilder } from './mcp-session.js';

const logger = new Logger('McpSessions');

/**
 * The entry of a session in the local table. Written out field by field, always in the same order, so that every
 * session shares one hidden class (`{ ...init, key }` gave each session a map of its own, ~350 B); what only the
 * record needs (`negotiated`, `restored`) is not kept.
 */
function liveSession(init: McpSessionInit, key: string, now: number): McpSession {
  return {
    id: init.id,
    kind: init.kind,
    transport: init.transport,
    server: init.server,
    state: init.state,
    owner: init.owner,
    callerKey: init.callerKey,
    key,
    lastSeen: now,
    touchedAt: now,
    link: undefined,
  };
}

/**
 * The session service of one MCP server, for both 2025 transports (Streamable HTTP and legacy SSE). It keeps
 * each session's record in the `McpSessionStore` (serialisable: owner, negotiated version, client info and
 * capabilities, log level, subscriptions, last seen; expiry owned by the store) and its live objects (SDK Server,
 * transport, open responses) in the local connections table, `sessions`. The owner check is here, in `get()`, so
 * no store can drop it; log level and subscriptions change only through the `McpSessionState` it makes, which
 * writes through to the store. A session is removed whichever way it ends (DELETE, transport closed, idle
 * sweep, shutdown), so nothing per session outlives it. Limits, draining and the sweep timer are `McpLifecycle`'s.
 *
 * With a store shared between processes (not the in-memory default), a session opened by another process is
 * rebuilt here from its record on a local miss (`find()`, by the transport's rebuilder), and a local connection
 * that goes idle, or the process shutting down, drops only this process's connection: the session lives on in
 * the store for the others. With a shared bus, every connection of a session is linked to the session's channel
 * (`McpSessionRelay`): state changes, the session's end and the transport's messages reach the other processes.
 */
@Injectable()
export class McpSessions implements OnModuleInit {
  /** The local connections table: live sessions of this process, by id. */
  private readonly sessions = new Map<string, McpSession>();
  private readonly perCaller = new Map<string, number>();
  private readonly idleMs: number;
  /** The store's record is renewed at most this often per session (touching on every request would cost a write each). */
  private readonly touchEveryMs: number;
  /** The session store is shared with other processes: sessions outlive this process's connections. */
  private readonly shared: boolean;
  /** The links of sessions to their bus channel, with a shared bus. */
  private readonly relay?: McpSessionRelay;
  private readonly rebuilders = new Map<McpSessionTransportKind, McpSessionRebuilder>();
  /** Rebuilds under way, by session id (concurrent requests of one session rebuild it once). */
  private readonly rebuilding = new Map<string, Promise<McpSession | undefined>>();
  /** Where every session's state writes its changes (one object, not a closure per session). */
  private readonly stateSink: McpSessionStateSink = { stateChanged: (id, change) => this.changed(id, change) };

  constructor(
    private readonly options: McpResolvedOptions,
    @Inject(McpSessionStore) private readonly store: McpSessionStore,
    private readonly keys: McpStoreKeys,
    private readonly notifications: McpNotifications,
    @Inject(McpMessageBus) bus: McpMessageBus,
  ) {
    this.idleMs = options.limits.sessionIdleTimeoutMs;
    this.touchEveryMs = this.idleMs > 0 ? Math.max(10, Math.min(this.idleMs / 4, 60_000)) : Infinity;
    this.shared = !(store instanceof InMemorySessionStore);
    if (!(bus instanceof InMemoryMessageBus)) this.relay = new McpSessionRelay(bus, keys);
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

  /**
   * `get()`, and on a local miss with a shared store: the session rebuilt from its record, if it is there and
   * belongs to `owner` and `kind` (the owner check is made on the record, before anything is built). Rejects when
   * the store cannot be reached.
   */
  find(id: string, owner?: string, kind: McpSessionTransportKind = 'streamable-http'): McpSession | undefined | Promise<McpSession | undefined> {
    const rebuild = this.rebuilders.get(kind);
    // Held here (the common case) or not shared: answered at once, without a turn of the event loop.
    if (this.sessions.has(id) || !this.shared || !rebuild) return this.get(id, owner, kind);
    return this.findElsewhere(id, owner, kind, rebuild);
  }

  private async findElsewhere(id: string, owner: string | undefined, kind: McpSessionTransportKind, rebuild: McpSessionRebuilder): Promise<McpSession | undefined> {
    const record = await this.store.get(this.keys.session(id));
    if (!record || record.owner !== owner || record.transport !== kind || record.protocolVersion === undefined) return undefined;
    let pending = this.rebuilding.get(id);
    if (!pending) {
      pending = (this.sessions.has(id) ? Promise.resolve(this.sessions.get(id)) : rebuild(record)).finally(() => this.rebuilding.delete(id));
      this.rebuilding.set(id, pending);
    }
    await pending;
    return this.get(id, owner, kind);
  }

  /** How a transport rebuilds its sessions opened by other processes (see `find()`). */
  rebuildWith(kind: McpSessionTransportKind, rebuilder: McpSessionRebuilder): void {
    this.rebuilders.set(kind, rebuilder);
  }

  /** The key of session `id` in the stores (namespaced by server). */
  storeKey(id: string): string {
    return this.keys.session(id);
  }

  /** A fresh state for a session (with what its record says, for a rebuilt one), writing its changes through to the store. */
  newState(id: string, record?: McpSessionRecord): McpSessionState {
    const initial = record && { logLevel: record.logLevel, subscriptions: record.subscriptions };
    return new McpSessionState(id, this.options.limits.maxSubscriptionsPerSession, this.stateSink, initial);
  }

  /**
   * Opens a session: its record goes to the store (a rebuilt one's is renewed), its live objects to the local
   * table, and with a shared bus its connection is linked to the session channel. Rejects (and keeps nothing) when
   * the store or the bus cannot be reached.
   */
  async open(init: McpSessionInit): Promise<McpSession> {
    const now = Date.now();
    const key = this.keys.session(init.id);
    const session = liveSession(init, key, now);
    this.sessions.set(init.id, session);
    if (init.callerKey !== undefined) this.perCaller.set(init.callerKey, this.countFor(init.callerKey) + 1);
    try {
      if (init.restored) await this.store.touch(key, this.idleMs);
      else await this.store.set(key, this.recordOf(init, now), this.idleMs);
      if (this.relay) await this.link(session);
    } catch (error) {
      logger.warn(`session store: ${String(error)}`);
      this.remove(session, init.restored ? 'here' : 'everywhere');
      await closeProtocol(session.server, session.transport);
      throw error;
    }
    return session;
  }

  private recordOf(init: McpSessionInit, now: number): McpSessionRecord {
    return {
      id: init.id,
      server: this.options.name,
      transport: init.kind,
      ...(init.owner !== undefined && { owner: init.owner }),
      ...init.negotiated,
      subscriptions: [],
      createdAt: now,
      lastSeen: now,
    };
  }

  private async link(session: McpSession): Promise<void> {
    session.link = await this.relay!.link(session.id, {
      state: (change) => session.state.restore(change),
      closed: () => void this.drop(session),
      transport: (message) => session.transport.relayed?.(message),
    });
    session.transport.useRelay?.(session.link.relay);
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
    this.remove(session, this.sharedKind(session) ? 'here' : 'everywhere');
  }

  /** Ends a session (everywhere: its record goes, and other processes drop their connections): aborts its in-flight requests, ends its streams, forgets it. */
  async close(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.remove(session, 'everywhere');
    await closeProtocol(session.server, session.transport);
    return true;
  }

  /** Shutdown: sessions other processes may serve are only dropped here (they live on there); the others are ended. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => (this.sharedKind(session) ? this.drop(session) : this.close(session.id))));
  }

  /** Whether other processes may serve the session (a shared store, and a transport that rebuilds its sessions). */
  private sharedKind(session: McpSession): boolean {
    return this.shared && this.rebuilders.has(session.kind);
  }

  /** Drops this process's connection of a session, leaving the session to the others (its record stays). */
  private async drop(session: McpSession): Promise<void> {
    if (this.sessions.get(session.id) !== session) return;
    this.remove(session, 'here');
    await closeProtocol(session.server, session.transport);
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
      else if (now - session.lastSeen >= this.idleMs) void (this.sharedKind(session) ? this.drop(session) : this.close(session.id));
    }
  }

  private seen(session: McpSession, now: number): void {
    session.lastSeen = now;
    if (now - session.touchedAt < this.touchEveryMs) return;
    session.touchedAt = now;
    this.store.touch(session.key, this.idleMs).catch((error: unknown) => logger.warn(`session store: ${String(error)}`));
  }

  private remove(session: McpSession, where: 'here' | 'everywhere'): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    if (where === 'everywhere') session.link?.relay.send({ type: 'closed' });
    void session.link?.stop();
    if (session.callerKey !== undefined) {
      const left = this.countFor(session.callerKey) - 1;
      if (left > 0) this.perCaller.set(session.callerKey, left);
      else this.perCaller.delete(session.callerKey);
    }
    if (where === 'everywhere') this.store.delete(session.key).catch((error: unknown) => logger.warn(`session store: ${String(error)}`));
  }

  private changed(id: string, change: McpSessionStateChange): Promise<void> {
    const session = this.sessions.get(id);
    session?.link?.relay.send({ type: 'state', change });
    return this.update(session?.key ?? this.keys.session(id), change);
  }

  private async update(key: string, changes: McpSessionRecordChanges): Promise<void> {
    await this.store.update(key, changes, this.idleMs).catch((error: unknown) => logger.warn(`session store: ${String(error)}`));
  }

  private listChanged(kind: McpListKind): void {
    // A session whose stream is gone just misses the notification.
    // With a shared bus every process hears the broadcast: only the connection holding the standalone stream sends.
    for (const { server, transport } of this.sessions.values()) {
      if (transport.holdsStandalone !== false) void notifyListChanged(server, kind).catch(() => undefined);
    }
  }

  private resourceUpdated(uri: string): void {
    for (const { server, state, transport } of this.sessions.values()) {
      if (state.subscriptions.has(uri) && transport.holdsStandalone !== false) void server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
  }
}
