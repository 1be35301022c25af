import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Where a resumable server keeps the SSE events it sent, so a client that lost a stream can reconnect with
 * `Last-Event-ID` and receive what it missed (MCP 2025-11-25, basic/transports, "Resumability and Redelivery").
 *
 * Every event belongs to one session and one stream of that session (the response stream of one POSTed request,
 * or the session's standalone GET stream). Event ids are opaque to the client; an implementation only has to
 * find an event again by its id within the same session. Implement this to keep events outside the process
 * (e.g. in Redis, so a client can resume on another replica); `InMemoryEventStore` is the default.
 */
export interface McpEventStore {
  /**
   * Keeps `message` as the next event of `streamId` in the session and returns its event id. `null` marks a
   * position without a message: the priming event that gives the client a cursor before anything is sent.
   */
  append(sessionId: string, streamId: string, message: JSONRPCMessage | null): string | Promise<string>;
  /**
   * Calls `send` in order for every message event of the session that follows `lastEventId` on the same stream,
   * and returns that stream's id; `undefined` when the id is unknown (never issued, expired, or another session's).
   */
  replayAfter(
    sessionId: string,
    lastEventId: string,
    send: (eventId: string, message: JSONRPCMessage) => void,
  ): string | undefined | Promise<string | undefined>;
  /** Forgets every event of the session; called when the session ends. */
  deleteSession(sessionId: string): void | Promise<void>;
}

export interface InMemoryEventStoreOptions {
  /** Events kept per session; the oldest are dropped first. Default 1000. */
  maxEventsPerSession?: number;
}

interface StoredEvent {
  readonly id: string;
  readonly streamId: string;
  readonly message: JSONRPCMessage | null;
}

interface SessionEvents {
  next: number;
  readonly events: StoredEvent[];
}

/**
 * The default event store: events in process memory, at most `maxEventsPerSession` per session, dropped with
 * the session. A client that reconnects after its events were dropped resumes without them.
 */
export class InMemoryEventStore implements McpEventStore {
  private readonly sessions = new Map<string, SessionEvents>();
  private readonly maxEvents: number;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.maxEvents = Math.max(1, options.maxEventsPerSession ?? 1000);
  }

  append(sessionId: string, streamId: string, message: JSONRPCMessage | null): string {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = { next: 0, events: [] };
      this.sessions.set(sessionId, session);
    }
    const id = `${streamId}:${session.next++}`;
    session.events.push({ id, streamId, message });
    if (session.events.length > this.maxEvents) session.events.splice(0, session.events.length - this.maxEvents);
    return id;
  }

  replayAfter(sessionId: string, lastEventId: string, send: (eventId: string, message: JSONRPCMessage) => void): string | undefined {
    const events = this.sessions.get(sessionId)?.events;
    const index = events?.findIndex((event) => event.id === lastEventId) ?? -1;
    if (!events || index < 0) return undefined;
    const { streamId } = events[index];
    for (let i = index + 1; i < events.length; i++) {
      const { id, streamId: stream, message } = events[i];
      if (stream === streamId && message !== null) send(id, message);
    }
    return streamId;
  }

  deleteSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** Number of sessions with stored events (for tests and metrics). */
  get sessionCount(): number {
    return this.sessions.size;
  }
}
