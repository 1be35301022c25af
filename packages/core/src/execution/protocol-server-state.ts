import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';

/** A table every session shares because none ever writes it: a write is a bug (of an SDK version), never a leak between sessions. */
class UnwrittenMap<K, V> extends Map<K, V> {
  constructor(private readonly field: string) {
    super();
  }

  override set(): this {
    throw new Error(McpMessages.sharedProtocolStateWritten(this.field));
  }
}

class UnwrittenSet<T> extends Set<T> {
  constructor(private readonly field: string) {
    super();
  }

  override add(): this {
    throw new Error(McpMessages.sharedProtocolStateWritten(this.field));
  }
}

const NO_ENTRIES: readonly never[] = [];

/**
 * A Map whose table is made by its first `set` (an empty `Map` holds a table of ~150 B from the start). For the SDK
 * tables a session fills only when its server sends the client a request of its own (sampling, elicitation,
 * roots) or works with tasks: most sessions never do.
 */
export class LazyMap<K, V> implements Map<K, V> {
  private map?: Map<K, V>;

  get size(): number {
    return this.map?.size ?? 0;
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }

  get(key: K): V | undefined {
    return this.map?.get(key);
  }

  has(key: K): boolean {
    return this.map?.has(key) ?? false;
  }

  set(key: K, value: V): this {
    (this.map ??= new Map()).set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.map?.delete(key) ?? false;
  }

  clear(): void {
    this.map?.clear();
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this.map?.forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  keys(): MapIterator<K> {
    return this.map?.keys() ?? NO_ENTRIES.values();
  }

  values(): MapIterator<V> {
    return this.map?.values() ?? NO_ENTRIES.values();
  }

  entries(): MapIterator<[K, V]> {
    return this.map?.entries() ?? NO_ENTRIES.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

/** The per-instance fields of the SDK `Server` (1.x) this changes; each is checked before it is replaced. */
interface ServerInternals {
  _options?: { debouncedNotificationMethods?: string[] };
  _requestHandlers?: Map<string, unknown>;
  _loggingLevels?: Map<string | undefined, LoggingLevel>;
  LOG_LEVEL_SEVERITY?: Map<LoggingLevel, number>;
  isMessageIgnored?: (level: LoggingLevel, sessionId?: string) => boolean;
  _pendingDebouncedNotifications?: Set<string>;
}

/** Tables of the SDK's Protocol written only for requests the server sends to the client, and for tasks. */
const LAZY_TABLES = ['_responseHandlers', '_progressHandlers', '_timeoutInfo', '_taskProgressTokens', '_requestResolvers'] as const;

const NO_LOGGING_LEVELS = new UnwrittenMap<string | undefined, LoggingLevel>('_loggingLevels');
const NO_DEBOUNCED = new UnwrittenSet<string>('_pendingDebouncedNotifications');
let severity: Map<LoggingLevel, number> | undefined;

/** The SDK's own `isMessageIgnored`, reading the server through `this`: one function for all servers. */
function isMessageIgnored(this: ServerInternals, level: LoggingLevel, sessionId?: string): boolean {
  const current = this._loggingLevels?.get(sessionId);
  return current ? this.LOG_LEVEL_SEVERITY!.get(level)! < this.LOG_LEVEL_SEVERITY!.get(current)! : false;
}

/**
 * What an SDK `Server` holds per session, cut to what a session uses (about 1.5 KB less per idle session):
 *
 * - shared between all servers, because no session of ours ever changes them: the table of log level severities
 *   (a constant); the log levels by session id (written only by the SDK's own logging/setLevel handler, which the
 *   dispatcher removes: the level lives in `McpSessionState`) and the closure reading them; the set of pending
 *   debounced notifications (written only with `debouncedNotificationMethods`, which the dispatcher never passes);
 * - made on first use: the tables of the server's own requests to the client and of tasks (`LazyMap`).
 *
 * A field is replaced only when it is there, empty, and of the expected kind, so another SDK version keeps its own.
 */
export function compactProtocolServer(server: Server): void {
  const internals = server as unknown as ServerInternals & Record<string, unknown>;
  if (internals.LOG_LEVEL_SEVERITY instanceof Map) internals.LOG_LEVEL_SEVERITY = severity ??= internals.LOG_LEVEL_SEVERITY;
  if (internals._loggingLevels instanceof Map && internals._loggingLevels.size === 0 && !internals._requestHandlers?.has('logging/setLevel')) {
    internals._loggingLevels = NO_LOGGING_LEVELS;
    if (typeof internals.isMessageIgnored === 'function') internals.isMessageIgnored = isMessageIgnored;
  }
  const debounced = internals._pendingDebouncedNotifications;
  if (debounced instanceof Set && debounced.size === 0 && !internals._options?.debouncedNotificationMethods?.length) {
    internals._pendingDebouncedNotifications = NO_DEBOUNCED;
  }
  for (const field of LAZY_TABLES) {
    const table = internals[field];
    if (table instanceof Map && table.size === 0) internals[field] = new LazyMap();
  }
}
