import type { McpSessionRecord, McpSessionRecordChanges, McpSessionStore } from './mcp-session-store.js';

interface Entry {
  record: McpSessionRecord;
  /** Milliseconds since the epoch; `Infinity` without expiry. */
  expiresAt: number;
}

/** How often expired records are dropped, at most. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * The default session store: records in process memory, each with its expiry. Expired records are never
 * returned and are dropped on a timer (unref'd, so it never keeps the process alive).
 */
export class InMemorySessionStore implements McpSessionStore {
  private readonly entries = new Map<string, Entry>();
  private readonly pruner: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.pruner = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.pruner.unref();
  }

  async get(key: string): Promise<McpSessionRecord | undefined> {
    return this.live(key)?.record;
  }

  async set(key: string, record: McpSessionRecord, ttlMs: number): Promise<void> {
    this.entries.set(key, { record: { ...record, subscriptions: [...record.subscriptions] }, expiresAt: this.expiry(ttlMs) });
  }

  async update(key: string, changes: McpSessionRecordChanges, ttlMs: number): Promise<boolean> {
    const entry = this.live(key);
    if (!entry) return false;
    const subscriptions = changes.subscriptions ? [...changes.subscriptions] : entry.record.subscriptions;
    entry.record = { ...entry.record, ...changes, subscriptions };
    entry.expiresAt = this.expiry(ttlMs);
    return true;
  }

  async touch(key: string, ttlMs: number): Promise<boolean> {
    const entry = this.live(key);
    if (!entry) return false;
    entry.record = { ...entry.record, lastSeen: this.now() };
    entry.expiresAt = this.expiry(ttlMs);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
    this.entries.clear();
  }

  /** Records held, expired ones not yet dropped included (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private expiry(ttlMs: number): number {
    return ttlMs > 0 ? this.now() + ttlMs : Infinity;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
