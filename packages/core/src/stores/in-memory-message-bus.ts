import type { McpBusMessage, McpBusSubscription, McpMessageBus } from './mcp-message-bus.js';

type Listener = (message: McpBusMessage) => void;

/**
 * The default message bus: delivery within this process, synchronously and in order, to every listener of
 * the channel. A listener that throws does not stop the others.
 */
export class InMemoryMessageBus implements McpMessageBus {
  private readonly channels = new Map<string, Set<Listener>>();

  async publish(channel: string, message: McpBusMessage): Promise<void> {
    const listeners = this.channels.get(channel);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try {
        listener(message);
      } catch {
        // A failing listener is its own business; the others still get the message.
      }
    }
  }

  async subscribe(channel: string, listener: Listener): Promise<McpBusSubscription> {
    let listeners = this.channels.get(channel);
    if (!listeners) this.channels.set(channel, (listeners = new Set()));
    // Each subscription is its own entry, even for a listener given twice.
    const own: Listener = (message) => listener(message);
    listeners.add(own);
    return {
      unsubscribe: async () => {
        const current = this.channels.get(channel);
        if (!current) return;
        current.delete(own);
        if (current.size === 0) this.channels.delete(channel);
      },
    };
  }

  async close(): Promise<void> {
    this.channels.clear();
  }

  /** Channels with at least one subscription (for tests and metrics). */
  get channelCount(): number {
    return this.channels.size;
  }
}
