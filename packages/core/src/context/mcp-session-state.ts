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

/**
 * What one protocol connection (a session, or one stateless request) remembers between messages: the log level
 * and the resource subscriptions. The dispatchers change it only through these methods; for a session, the
 * session service gives it `onChange`, which writes the change through to the session store.
 */
export class McpSessionState implements McpLogFilter {
  private level?: LoggingLevel;
  private readonly subscribed = new Set<string>();

  constructor(
    readonly sessionId: string | undefined,
    /** Most subscriptions kept; `0`: no limit. */
    private readonly maxSubscriptions = 0,
    private readonly onChange?: (change: McpSessionStateChange) => Promise<void>,
    initial?: { logLevel?: LoggingLevel; subscriptions?: readonly string[] },
  ) {
    this.level = initial?.logLevel;
    for (const uri of initial?.subscriptions ?? []) this.subscribed.add(uri);
  }

  /** Lowest level the client asked for with logging/setLevel; everything is sent until it asks. */
  get logLevel(): LoggingLevel | undefined {
    return this.level;
  }

  /** URIs the client subscribed to with resources/subscribe. */
  get subscriptions(): ReadonlySet<string> {
    return this.subscribed;
  }

  wantsLog(level: LoggingLevel): boolean {
    return this.level === undefined || SEVERITY[level] >= SEVERITY[this.level];
  }

  async setLogLevel(level: LoggingLevel): Promise<void> {
    this.level = level;
    await this.onChange?.({ logLevel: level });
  }

  /** Adds a subscription; false when the connection already holds `maxSubscriptions` of them. */
  async subscribe(uri: string): Promise<boolean> {
    if (this.subscribed.has(uri)) return true;
    if (this.maxSubscriptions > 0 && this.subscribed.size >= this.maxSubscriptions) return false;
    this.subscribed.add(uri);
    await this.onChange?.({ subscriptions: [...this.subscribed] });
    return true;
  }

  async unsubscribe(uri: string): Promise<void> {
    if (!this.subscribed.delete(uri)) return;
    await this.onChange?.({ subscriptions: [...this.subscribed] });
  }

  /** Takes a change made elsewhere (another process serving the session) without writing it back. */
  restore(change: McpSessionStateChange): void {
    if (change.logLevel !== undefined) this.level = change.logLevel;
    if (change.subscriptions) {
      this.subscribed.clear();
      for (const uri of change.subscriptions) this.subscribed.add(uri);
    }
  }

  static isLoggingLevel(value: unknown): value is LoggingLevel {
    return typeof value === 'string' && value in SEVERITY;
  }
}
