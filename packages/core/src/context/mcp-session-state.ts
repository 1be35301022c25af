import type { LoggingLevel } from '../interfaces/mcp-protocol.types.js';
import type { McpLogFilter } from './mcp-context.js';

const SEVERITY: Record<LoggingLevel, number> = {
  debug: 0,
  info: 1,
  notice: 2,
  warning: 3,
  error: 4,
  critical: 5,
  alert: 6,
  emergency: 7,
};

/** What changed in a connection's state, for the session service to write to its store. */
export interface McpSessionStateChange {
  logLevel?: LoggingLevel;
  subscriptions?: string[];
}

/** Where a session's state reports its changes (the session service: one object for all its sessions). */
export interface McpSessionStateSink {
  stateChanged(sessionId: string, change: McpSessionStateChange): Promise<void>;
}

/** The subscriptions of a connection that has none (most): one empty set for all of them. */
const NO_SUBSCRIPTIONS: ReadonlySet<string> = new Set<string>();

/**
 * What one protocol connection (a session, or one stateless request) remembers between messages: the log level
 * and the resource subscriptions. The dispatchers change it only through these methods; for a session, the
 * session service gives it its `sink`, which writes the change through to the session store. An idle session
 * holds one of these: the set of subscriptions is made by the first subscription.
 */
export class McpSessionState implements McpLogFilter {
  private level?: LoggingLevel;
  private subscribed?: Set<string>;

  constructor(
    readonly sessionId: string | undefined,
    /** Most subscriptions kept; `0`: no limit. */
    private readonly maxSubscriptions = 0,
    /** Told of every change (with `sessionId`); none for a connection without a session. */
    private readonly sink?: McpSessionStateSink,
    initial?: { logLevel?: LoggingLevel; subscriptions?: readonly string[] },
  ) {
    this.level = initial?.logLevel;
    if (initial?.subscriptions?.length) this.subscribed = new Set(initial.subscriptions);
  }

  /** Lowest level the client asked for with logging/setLevel; everything is sent until it asks. */
  get logLevel(): LoggingLevel | undefined {
    return this.level;
  }

  /** URIs the client subscribed to with resources/subscribe. */
  get subscriptions(): ReadonlySet<string> {
    return this.subscribed ?? NO_SUBSCRIPTIONS;
  }

  wantsLog(level: LoggingLevel): boolean {
    return this.level === undefined || SEVERITY[level] >= SEVERITY[this.level];
  }

  async setLogLevel(level: LoggingLevel): Promise<void> {
    this.level = level;
    await this.changed({ logLevel: level });
  }

  /** Adds a subscription; false when the connection already holds `maxSubscriptions` of them. */
  async subscribe(uri: string): Promise<boolean> {
    const subscribed = (this.subscribed ??= new Set());
    if (subscribed.has(uri)) return true;
    if (this.maxSubscriptions > 0 && subscribed.size >= this.maxSubscriptions) return false;
    subscribed.add(uri);
    await this.changed({ subscriptions: [...subscribed] });
    return true;
  }

  async unsubscribe(uri: string): Promise<void> {
    if (!this.subscribed?.delete(uri)) return;
    await this.changed({ subscriptions: [...this.subscribed] });
  }

  /** Takes a change made elsewhere (another process serving the session) without writing it back. */
  restore(change: McpSessionStateChange): void {
    if (change.logLevel !== undefined) this.level = change.logLevel;
    if (change.subscriptions) this.subscribed = change.subscriptions.length ? new Set(change.subscriptions) : undefined;
  }

  private async changed(change: McpSessionStateChange): Promise<void> {
    if (this.sink && this.sessionId !== undefined) await this.sink.stateChanged(this.sessionId, change);
  }

  static isLoggingLevel(value: unknown): value is LoggingLevel {
    return typeof value === 'string' && value in SEVERITY;
  }
}
