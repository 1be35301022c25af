import type { Redis } from 'ioredis';
import type { McpBusMessage, McpBusSubscription, McpMessageBus } from '@nestmcp/core';

type Listener = (message: McpBusMessage) => void;

/**
 * The message bus on Redis pub/sub: `publish` on the command connection, every subscription of this process
 * multiplexed on one subscriber connection (a channel is subscribed in Redis while it has a listener here).
 * Delivery is at most once and in order per publisher; a message published while a replica is disconnected
 * from Redis does not reach it (docs/scaling.md). The subscriber connection resubscribes by itself on reconnect.
 */
export class RedisMessageBus implements McpMessageBus {
  private readonly channels = new Map<string, Set<Listener>>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    subscriber.on('message', (channel: string, text: string) => this.deliver(channel, text));
  }

  async publish(channel: string, message: McpBusMessage): Promise<void> {
    await this.publisher.publish(this.prefix + channel, JSON.stringify(message));
  }

  async subscribe(channel: string, listener: Listener): Promise<McpBusSubscription> {
    const full = this.prefix + channel;
    let listeners = this.channels.get(full);
    const first = !listeners;
    if (!listeners) this.channels.set(full, (listeners = new Set()));
    // Each subscription is its own entry, even for a listener given twice.
    const own: Listener = (message) => listener(message);
    listeners.add(own);
    if (first) {
      try {
        await this.subscriber.subscribe(full);
      } catch (error) {
        listeners.delete(own);
        if (listeners.size === 0) this.channels.delete(full);
        throw error;
      }
    }
    return { unsubscribe: () => this.unsubscribe(full, own) };
  }

  /** Channels with at least one subscription in this process (for tests and metrics). */
  get channelCount(): number {
    return this.channels.size;
  }

  private async unsubscribe(channel: string, listener: Listener): Promise<void> {
    const listeners = this.channels.get(channel);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.channels.delete(channel);
    // While Redis is away this fails: ioredis then resubscribes the channel on reconnect, and its messages are dropped here.
    await this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  private deliver(channel: string, text: string): void {
    const listeners = this.channels.get(channel);
    if (!listeners) return;
    let message: McpBusMessage;
    try {
      message = JSON.parse(text) as McpBusMessage;
    } catch {
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(message);
      } catch {
        // A failing listener is its own business; the others still get the message.
      }
    }
  }
}
