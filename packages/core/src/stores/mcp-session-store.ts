import type { ClientCapabilities, Implementation, LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

/**
 * Which transport a session belongs to: an id of one is never accepted by another. `stdio` and `in-memory` (the
 * testing kit) are sessions of a channel that is not HTTP: one per connection, never looked up by id.
 */
export type McpSessionTransportKind = 'streamable-http' | 'sse' | 'stdio' | 'in-memory';

/**
 * What is known about one session, as plain JSON: enough to rebuild its protocol connection on any process
 * (the negotiated version, the client's info and capabilities, its log level and subscriptions) and to check
 * who may use it (the owner principal). Live objects (the SDK Server, the transport, open responses) are not
 * part of it: they live in the local connections table of `McpSessions`.
 */
export interface McpSessionRecord {
  readonly id: string;
  /** Name of the MCP server (the `McpModule.forRoot({ name })`) the session belongs to. */
  readonly server: string;
  readonly transport: McpSessionTransportKind;
  /** The principal that opened it, on servers with auth; only it may use the session. */
  readonly owner?: string;
  /** The protocol version negotiated by initialize. */
  readonly protocolVersion?: string;
  readonly clientInfo?: Implementation;
  readonly clientCapabilities?: ClientCapabilities;
  /** The level the client asked for with logging/setLevel. */
  readonly logLevel?: LoggingLevel;
  /** URIs subscribed to with resources/subscribe. */
  readonly subscriptions: readonly string[];
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly lastSeen: number;
}

/** What of a record changes after it is created. */
export type McpSessionRecordChanges = Partial<
  Pick<McpSessionRecord, 'protocolVersion' | 'clientInfo' | 'clientCapabilities' | 'logLevel' | 'subscriptions' | 'lastSeen'>
>;

/**
 * Where session records are kept. The store owns expiry: a record not set or touched for `ttlMs` is gone (`0`:
 * no expiry). Keys are namespaced per server by the caller (`McpStoreKeys`) and opaque to the store. Every
 * method is asynchronous and records are JSON, so the store can live outside the process (packages/redis).
 * `describeMcpSessionStore()` from `@nestmcp/core/testing` holds the cases every implementation must pass.
 */
export interface McpSessionStore {
  get(key: string): Promise<McpSessionRecord | undefined>;
  /** Creates or replaces the record, expiring `ttlMs` from now. */
  set(key: string, record: McpSessionRecord, ttlMs: number): Promise<void>;
  /** Merges `changes` into the record and renews its expiry; false (and nothing stored) when it is gone. */
  update(key: string, changes: McpSessionRecordChanges, ttlMs: number): Promise<boolean>;
  /** Renews the expiry (and `lastSeen`); false when the record is gone. */
  touch(key: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Releases what the store holds (connections, timers); called once when the app shuts down. */
  close?(): Promise<void>;
}

/** Injection token of the server's session store (`stores.sessions`, default `InMemorySessionStore`). */
export const McpSessionStore = Symbol('McpSessionStore');
