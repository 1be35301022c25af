/**
 * A Map whose entries expire: read lazily (an expired entry is gone when read) and swept now and then, so that
 * abandoned entries do not pile up. Values are copied through JSON on the way in and out, as a shared store would.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();
  private writes = 0;

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return JSON.parse(entry.json) as V;
  }

  set(key: string, value: V, ttlSeconds?: number): void {
    this.entries.set(key, { json: JSON.stringify(value), expiresAt: ttlSeconds === undefined ? Infinity : Date.now() + ttlSeconds * 1000 });
    if (++this.writes % 1000 === 0) this.sweep();
  }

  /** Replaces the value of a live entry, keeping its expiry. */
  update(key: string, change: (value: V) => V): void {
    const entry = this.entries.get(key);
    const value = this.get(key);
    if (entry && value !== undefined) entry.json = JSON.stringify(change(value));
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
