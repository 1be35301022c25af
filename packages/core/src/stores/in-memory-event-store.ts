import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpEventStore } from './mcp-event-store.js';

export interface InMemoryEventStoreOptions {
  /** Events kept per session; the oldest are dropped first. Default 1000. */
  maxEventsPerSession?: number;
  /**
   * Bytes of event data (serialised JSON) kept per session; the oldest events are dropped first, but the newest
   * one is always kept. Default 4 MiB.
   */
  maxBytesPerSession?: number;
}

interface StoredEvent {
  readonly id: string;
  readonly streamId: string;
  readonly message: JSONRPCMessage | null;
  readonly bytes: number;
}

interface SessionEvents {
  next: number;
  bytes: number;
  readonly events: StoredEvent[];
}

/**
 * The default event store: events in process memory, at most `maxEventsPerSession` events and
 * `maxBytesPerSession` bytes per session, dropped with the session. A client that reconnects after its events
 * were dropped resumes without them.
 */
export class InMemoryEventStore implements McpEventStore {
  private readonly sessions = new Map<string, SessionEvents>();
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.maxEvents = Math.max(1, options.maxEventsPerSession ?? 1000);
    this.maxBytes = Math.max(1, options.maxBytesPerSession ?? 4 * 1024 * 1024);
  }

  append(sessionId: string, streamId: string, message: JSONRPCMessage | null): string {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = { next: 0, bytes: 0, events: [] };
      this.sessions.set(sessionId, session);
    }
    const id = `${streamId}:${session.next++}`;
    const bytes = message === null ? 0 : Buffer.byteLength(JSON.stringify(message));
    session.events.push({ id, streamId, message, bytes });
    session.bytes += bytes;
    let drop = 0;
    const { events } = session;
    while (events.length - drop > 1 && (events.length - drop > this.maxEvents || session.bytes > this.maxBytes)) {
      session.bytes -= events[drop++].bytes;
    }
    if (drop > 0) events.splice(0, drop);
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

  close(): void {
    this.sessions.clear();
  }

  /** Number of sessions with stored events (for tests and metrics). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Bytes of event data kept for a session (for tests and metrics). */
  bytesOf(sessionId: string): number {
    return this.sessions.get(sessionId)?.bytes ?? 0;
  }
}
