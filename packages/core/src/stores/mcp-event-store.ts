import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Where a resumable server keeps the SSE events it sent, so a client that lost a stream can reconnect with
 * `Last-Event-ID` and receive what it missed (MCP 2025-11-25, basic/transports, "Resumability and Redelivery").
 *
 * Every event belongs to one session and one stream of that session (the response stream of one POSTed request,
 * or the session's standalone GET stream). Event ids are opaque to the client; an implementation only has to
 * find an event again by its id within the same session. Implement this to keep events outside the process
 * (e.g. in Redis, so a client can resume on another replica); `InMemoryEventStore` is the default.
 * Session keys are namespaced by server (`McpStoreKeys`); an implementation treats them as opaque strings.
 * `describeMcpEventStore()` from `@nestmcp/core/testing` holds the cases every implementation must pass.
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
  /** Releases what the store holds (connections, timers); called once when the app shuts down. */
  close?(): void | Promise<void>;
}

/** Injection token of the server's event store (`stores.events`, default `InMemoryEventStore`). */
export const McpEventStore = Symbol('McpEventStore');
