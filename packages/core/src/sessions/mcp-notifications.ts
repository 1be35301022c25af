import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { McpRegistry } from '../registry/mcp-registry.js';
import type { McpListKind } from '../registry/mcp-registry.types.js';
import { McpMessageBus, type McpBusMessage, type McpBusSubscription } from '../stores/mcp-message-bus.js';
import { McpStoreKeys } from '../stores/mcp-store-keys.js';

/** Something in this process that hears of registry changes: the sessions, a 2026-07-28 listen stream. */
export interface McpNotificationTarget {
  listChanged(kind: McpListKind): void;
  resourceUpdated(uri: string): void;
}

const logger = new Logger('McpNotifications');

/**
 * Registry changes, for every process that serves the server: a runtime registration (list_changed) or
 * `notifyResourceUpdated()` is published on the message bus as a broadcast, and every process fans the broadcasts
 * it receives out to its own targets (its sessions of both transports, its `subscriptions/listen` streams).
 */
@Injectable()
export class McpNotifications implements OnModuleInit, OnApplicationShutdown {
  private readonly targets = new Set<McpNotificationTarget>();
  private readonly stops: (() => void)[] = [];
  private subscription?: McpBusSubscription;

  constructor(
    private readonly registry: McpRegistry,
    @Inject(McpMessageBus) private readonly bus: McpMessageBus,
    private readonly keys: McpStoreKeys,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await this.bus.subscribe(this.keys.broadcast, (message) => this.fanOut(message));
    this.stops.push(
      this.registry.onListChanged((kind) => this.publish({ type: 'list_changed', kind })),
      this.registry.onResourceUpdated((uri) => this.publish({ type: 'resource_updated', uri })),
    );
  }

  /** Adds a target; returns the function that removes it. */
  add(target: McpNotificationTarget): () => void {
    this.targets.add(target);
    return () => this.targets.delete(target);
  }

  /** Targets registered in this process (for tests and metrics). */
  get size(): number {
    return this.targets.size;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.subscription?.unsubscribe().catch(() => undefined);
    this.targets.clear();
  }

  private publish(message: McpBusMessage): void {
    this.bus.publish(this.keys.broadcast, message).catch((error: unknown) => logger.warn(`broadcast failed: ${String(error)}`));
  }

  private fanOut(message: McpBusMessage): void {
    for (const target of this.targets) {
      if (message.type === 'list_changed') target.listChanged(message.kind as McpListKind);
      else if (message.type === 'resource_updated') target.resourceUpdated(String(message.uri));
    }
  }
}
