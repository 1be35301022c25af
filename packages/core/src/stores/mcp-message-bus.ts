/** A message on the bus: plain JSON with a `type`. */
export interface McpBusMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Stops a subscription. */
export interface McpBusSubscription {
  unsubscribe(): Promise<void>;
}

/**
 * Carries messages between the processes that serve one MCP server: registry changes broadcast to every
 * process's sessions and listen streams, and messages for a session's connection delivered to whichever
 * process holds it. Channels are namespaced per server by the caller (`McpStoreKeys`). A message is delivered
 * to every subscription of its channel, in order per publisher, possibly in another process: it must be JSON.
 * `describeMcpMessageBus()` from `@nestmcp/core/testing` holds the cases every implementation must pass.
 */
export interface McpMessageBus {
  publish(channel: string, message: McpBusMessage): Promise<void>;
  subscribe(channel: string, listener: (message: McpBusMessage) => void): Promise<McpBusSubscription>;
  /** Releases what the bus holds (connections, subscriptions); called once when the app shuts down. */
  close?(): Promise<void>;
}

/** Injection token of the server's message bus (`stores.bus`, default `InMemoryMessageBus`). */
export const McpMessageBus = Symbol('McpMessageBus');
