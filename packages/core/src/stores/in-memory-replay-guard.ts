import type { McpReplayGuard } from './mcp-replay-guard.js';

/** How often claims past their TTL are forgotten, at most. */
const PRUNE_INTERVAL_MS = 60_000;

/** The default replay guard: claimed nonces in process memory until their TTL passes (single-use per process). */
export class InMemoryReplayGuard implements McpReplayGuard {
  private readonly claimed = new Map<string, number>();
  private nextPrune: number;

  constructor(private readonly now: () => number = Date.now) {
    this.nextPrune = now() + PRUNE_INTERVAL_MS;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    if (now >= this.nextPrune) this.prune(now);
    const until = this.claimed.get(key);
    if (until !== undefined && until > now) return false;
    this.claimed.set(key, now + Math.max(1, ttlMs));
    return true;
  }

  async close(): Promise<void> {
    this.claimed.clear();
  }

  /** Claims held (for tests and metrics). */
  get size(): number {
    return this.claimed.size;
  }

  private prune(now: number): void {
    this.nextPrune = now + PRUNE_INTERVAL_MS;
    for (const [key, until] of this.claimed) if (until <= now) this.claimed.delete(key);
  }
}
