import type { McpRedisStores } from '@nestmcp/redis';
import type { Note } from './note.entity.js';
import type { NotesRepository } from './notes.repository.js';

const NOTES = 'sample:notes';
const NEXT_ID = 'sample:notes:next-id';
const SEEDED = 'sample:notes:seeded';

/**
 * Notes in Redis, shared by every replica: a hash of id → note JSON, ids from INCR. They are the app's data, so
 * they have no TTL (the MCP stores' keys all do).
 */
export class RedisNotesRepository implements NotesRepository {
  constructor(private readonly redis: McpRedisStores['client']) {}

  async seed(notes: Omit<Note, 'id'>[]): Promise<void> {
    if ((await this.redis.set(SEEDED, '1', 'NX')) !== 'OK') return;
    for (const note of notes) await this.add(note);
  }

  async add(input: Omit<Note, 'id'>): Promise<Note> {
    const note: Note = { ...input, id: String(await this.redis.incr(NEXT_ID)) };
    await this.redis.hset(NOTES, note.id, JSON.stringify(note));
    return note;
  }

  async get(id: string): Promise<Note | undefined> {
    const text = await this.redis.hget(NOTES, id);
    return text ? (JSON.parse(text) as Note) : undefined;
  }

  async all(): Promise<Note[]> {
    const all = Object.values(await this.redis.hgetall(NOTES)).map((text) => JSON.parse(text) as Note);
    return all.sort((a, b) => Number(a.id) - Number(b.id));
  }
}
