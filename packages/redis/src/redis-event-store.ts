import type { Redis } from 'ioredis';
import type { McpEventStore } from '@nestmcp/core';

/** A JSON-RPC message, as the event store contract names it. */
type JSONRPCMessage = NonNullable<Parameters<McpEventStore['append']>[2]>;

/**
 * Appends one event and trims the oldest until the session holds at most `maxEvents` events and `maxBytes`
 * bytes (the newest is always kept); both keys expire `ttl` after the last append. Atomic, so replicas appending
 * to one session keep the stream and its byte count consistent.
 * KEYS: stream, byte count. ARGV: stream id, message ('' for a priming event), bytes, maxEvents, maxBytes, ttl.
 */
const APPEND = `
local id = redis.call('XADD', KEYS[1], '*', 's', ARGV[1], 'm', ARGV[2], 'b', ARGV[3])
local bytes = redis.call('INCRBY', KEYS[2], ARGV[3])
local maxEvents = tonumber(ARGV[4])
local maxBytes = tonumber(ARGV[5])
local length = redis.call('XLEN', KEYS[1])
while length > 1 and (length > maxEvents or bytes > maxBytes) do
  local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  local fields = oldest[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'b' then bytes = redis.call('DECRBY', KEYS[2], fields[i + 1]) end
  end
  redis.call('XDEL', KEYS[1], oldest[1])
  length = length - 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return id`;

/** Redis stream entry ids (`<ms>-<seq>`): anything else is not an event id of this store. */
const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;

export interface RedisEventStoreOptions {
  readonly prefix: string;
  readonly ttlMs: number;
  readonly maxEvents: number;
  readonly maxBytes: number;
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/**
 * SSE events of resumable sessions in Redis Streams: one stream per session (`<prefix><session key>:events`),
 * each entry holding the logical stream id and the message. Event ids are the entry ids, unique within the
 * session and ordered, so a client that reconnects to any replica with `Last-Event-ID` gets exactly the events
 * after it on its own stream. Bounded in count and bytes per session, and kept `ttlMs` after the last event.
 */
export class RedisEventStore implements McpEventStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisEventStoreOptions,
  ) {
    redis.defineCommand('mcpEventAppend', { numberOfKeys: 2, lua: APPEND });
  }

  async append(sessionId: string, streamId: string, message: JSONRPCMessage | null): Promise<string> {
    const text = message === null ? '' : JSON.stringify(message);
    const { maxEvents, maxBytes, ttlMs } = this.options;
    const command = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<string>>).mcpEventAppend;
    const [stream, bytes] = this.keys(sessionId);
    return command.call(this.redis, stream, bytes, streamId, text, Buffer.byteLength(text), maxEvents, maxBytes, ttlMs);
  }

  async replayAfter(sessionId: string, lastEventId: string, send: (eventId: string, message: JSONRPCMessage) => void): Promise<string | undefined> {
    if (!ENTRY_ID.test(lastEventId)) return undefined;
    const [stream] = this.keys(sessionId);
    const [cursor] = await this.redis.xrange(stream, lastEventId, lastEventId);
    const streamId = cursor && field(cursor[1], 's');
    if (streamId === undefined) return undefined;
    for (const [id, fields] of await this.redis.xrange(stream, `(${lastEventId}`, '+')) {
      const text = field(fields, 'm');
      if (field(fields, 's') === streamId && text) send(id, JSON.parse(text) as JSONRPCMessage);
    }
    return streamId;
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.redis.del(...this.keys(sessionId));
  }

  /** Bytes of event data kept for a session (for tests and metrics). */
  async bytesOf(sessionId: string): Promise<number> {
    return Number((await this.redis.get(this.keys(sessionId)[1])) ?? 0);
  }

  private keys(sessionId: string): [string, string] {
    const base = `${this.options.prefix}${sessionId}:events`;
    return [base, `${base}:bytes`];
  }
}
