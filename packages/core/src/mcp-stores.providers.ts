import type { Provider } from '@nestjs/common';
import { McpResolvedOptions } from './options/mcp-resolved-options.js';
import { McpSessionStore } from './stores/mcp-session-store.js';
import { McpEventStore } from './stores/mcp-event-store.js';
import { McpMessageBus } from './stores/mcp-message-bus.js';
import { McpReplayGuard } from './stores/mcp-replay-guard.js';
import { McpStoreKeys } from './stores/mcp-store-keys.js';
import { InMemorySessionStore } from './stores/in-memory-session-store.js';
import { InMemoryEventStore } from './stores/in-memory-event-store.js';
import { InMemoryMessageBus } from './stores/in-memory-message-bus.js';
import { InMemoryReplayGuard } from './stores/in-memory-replay-guard.js';
import { OwnedStores } from './lifecycle/owned-stores.js';

const fromOptions = [McpResolvedOptions, OwnedStores];

/**
 * The store providers of one server: each store is the one given in the top-level `stores` option, else an
 * in-memory default (closed by `McpLifecycle` on shutdown). Replace one in tests with
 * `Test.createTestingModule(...).overrideProvider(McpSessionStore).useValue(...)`.
 */
export const mcpStoreProviders: Provider[] = [
  OwnedStores,
  { provide: McpStoreKeys, useFactory: (options: McpResolvedOptions) => new McpStoreKeys(options.name), inject: [McpResolvedOptions] },
  {
    provide: McpSessionStore,
    useFactory: (options: McpResolvedOptions, owned: OwnedStores) => owned.own(options.module.stores?.sessions, () => new InMemorySessionStore()),
    inject: fromOptions,
  },
  {
    provide: McpEventStore,
    // `resumability.eventStore` (the older place to give it) wins over `stores.events`.
    useFactory: (options: McpResolvedOptions, owned: OwnedStores) =>
      owned.own(options.endpoint.resumability?.eventStore ?? options.module.stores?.events, () => new InMemoryEventStore()),
    inject: fromOptions,
  },
  {
    provide: McpMessageBus,
    useFactory: (options: McpResolvedOptions, owned: OwnedStores) => owned.own(options.module.stores?.bus, () => new InMemoryMessageBus()),
    inject: fromOptions,
  },
  {
    provide: McpReplayGuard,
    useFactory: (options: McpResolvedOptions, owned: OwnedStores) => owned.own(options.module.stores?.replay, () => new InMemoryReplayGuard()),
    inject: fromOptions,
  },
];
