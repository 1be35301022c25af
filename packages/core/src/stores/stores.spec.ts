import { describeMcpEventStore, describeMcpMessageBus, describeMcpReplayGuard, describeMcpSessionStore } from '../testing/index.js';
import { InMemoryEventStore } from './in-memory-event-store.js';
import { InMemoryMessageBus } from './in-memory-message-bus.js';
import { InMemoryReplayGuard } from './in-memory-replay-guard.js';
import { InMemorySessionStore } from './in-memory-session-store.js';

// The in-memory defaults pass the same cases as any other store (see @nestmcp/core/testing).
describeMcpSessionStore('InMemorySessionStore', () => new InMemorySessionStore());
describeMcpEventStore('InMemoryEventStore', () => new InMemoryEventStore());
describeMcpMessageBus('InMemoryMessageBus', () => new InMemoryMessageBus());
describeMcpReplayGuard('InMemoryReplayGuard', () => new InMemoryReplayGuard());
