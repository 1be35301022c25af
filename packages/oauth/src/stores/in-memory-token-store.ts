import type { McpOAuthTokenRecord, McpOAuthTokenStore } from './mcp-oauth-token-store.js';
import { ExpiringMap } from './expiring-map.js';

const keyOf = (kind: string, id: string) => JSON.stringify([kind, id]);

/**
 * The authorization server state in this process's memory (the default): records by kind and id, with indexes
 * by uid, user code and grant (each index entry lives as long as its record).
 */
export class InMemoryTokenStore implements McpOAuthTokenStore {
  private readonly records = new ExpiringMap<McpOAuthTokenRecord>();
  private readonly byUid = new ExpiringMap<string>();
  private readonly byUserCode = new ExpiringMap<string>();
  private readonly byGrant = new ExpiringMap<[string, string][]>();

  async save(kind: string, id: string, record: McpOAuthTokenRecord, ttlSeconds?: number): Promise<void> {
    const key = keyOf(kind, id);
    this.records.set(key, record, ttlSeconds);
    if (typeof record.uid === 'string') this.byUid.set(keyOf(kind, record.uid), id, ttlSeconds);
    if (typeof record.userCode === 'string') this.byUserCode.set(keyOf(kind, record.userCode), id, ttlSeconds);
    if (typeof record.grantId === 'string') {
      const members = this.byGrant.get(record.grantId) ?? [];
      if (!members.some(([k, i]) => k === kind && i === id)) members.push([kind, id]);
      // The index outlives every member: it is only read to delete them.
      this.byGrant.set(record.grantId, members, ttlSeconds === undefined ? undefined : Math.max(ttlSeconds, 14 * 86_400));
    }
  }

  async find(kind: string, id: string): Promise<McpOAuthTokenRecord | undefined> {
    return this.records.get(keyOf(kind, id));
  }

  async findByUid(kind: string, uid: string): Promise<McpOAuthTokenRecord | undefined> {
    const id = this.byUid.get(keyOf(kind, uid));
    return id === undefined ? undefined : this.find(kind, id);
  }

  async findByUserCode(kind: string, userCode: string): Promise<McpOAuthTokenRecord | undefined> {
    const id = this.byUserCode.get(keyOf(kind, userCode));
    return id === undefined ? undefined : this.find(kind, id);
  }

  async consume(kind: string, id: string): Promise<boolean> {
    // One synchronous read and write: no other call runs between them.
    const key = keyOf(kind, id);
    const record = this.records.get(key);
    if (record === undefined || record.consumed !== undefined) return false;
    this.records.update(key, (current) => ({ ...current, consumed: Math.floor(Date.now() / 1000) }));
    return true;
  }

  async delete(kind: string, id: string): Promise<void> {
    this.records.delete(keyOf(kind, id));
  }

  async revokeGrant(grantId: string): Promise<void> {
    for (const [kind, id] of this.byGrant.get(grantId) ?? []) this.records.delete(keyOf(kind, id));
    this.byGrant.delete(grantId);
  }

  async close(): Promise<void> {
    for (const map of [this.records, this.byUid, this.byUserCode, this.byGrant]) map.clear();
  }
}
