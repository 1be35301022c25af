export { describeMcpSessionStore } from './describe-session-store.js';
export { describeMcpEventStore } from './describe-event-store.js';
export { describeMcpMessageBus } from './describe-message-bus.js';
export { describeMcpReplayGuard } from './describe-replay-guard.js';
export type { StoreFactory } from './test-globals.js';
// What the suites above are written with, for suites of other stores (packages/oauth's): the runner's globals,
// a fresh instance per case, a pause.
import { fresh, sleep, suite } from './test-globals.js';
export const storeSuiteKit = { suite, fresh, sleep } as const;
