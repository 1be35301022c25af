export { describeMcpSessionStore } from './describe-session-store.js';
export { describeMcpEventStore } from './describe-event-store.js';
export { describeMcpMessageBus } from './describe-message-bus.js';
export { describeMcpReplayGuard } from './describe-replay-guard.js';
export type { StoreFactory } from './test-globals.js';
