/**
 * Accepts each 2026-07-28 `requestState` once: `claim()` is true the first time a nonce is seen and false after,
 * for at least `ttlMs` (the state's remaining lifetime; an expired state is refused before it gets here). Keys
 * are namespaced per server by the caller. Shared between processes, it makes a state single-use across replicas.
 * `describeMcpReplayGuard()` from `@nestmcp/core/testing` holds the cases every implementation must pass.
 */
export interface McpReplayGuard {
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Releases what the guard holds; called once when the app shuts down. */
  close?(): Promise<void>;
}

/** Injection token of the server's replay guard (`stores.replay`, default `InMemoryReplayGuard`). */
export const McpReplayGuard = Symbol('McpReplayGuard');
