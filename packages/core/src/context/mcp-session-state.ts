import type { LoggingLevel } from '../interfaces/mcp-protocol.types.js';

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

/** What one protocol connection (a session, or one stateless request) remembers between messages. */
export class McpSessionState {
  /** Lowest level the client asked for with logging/setLevel; everything is sent until it asks. */
  logLevel?: LoggingLevel;
  /** URIs the client subscribed to with resources/subscribe. */
  readonly subscriptions = new Set<string>();

  constructor(readonly sessionId: string | undefined) {}

  wantsLog(level: LoggingLevel): boolean {
    return this.logLevel === undefined || SEVERITY[level] >= SEVERITY[this.logLevel];
  }

  static isLoggingLevel(value: unknown): value is LoggingLevel {
    return typeof value === 'string' && value in SEVERITY;
  }
}
