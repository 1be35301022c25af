import { randomUUID } from 'node:crypto';
import { McpSessions } from '@nestmcp/core';
import { RedisTestServer } from './fixtures/redis/redis-server.js';
import { startReplica, type Replica } from './fixtures/redis/replicas.js';
import { ReplicaTools } from './fixtures/redis/replica.tools.js';
import { messages, openGetStream, openSession, readEvents, sessionHeaders, type SseEvent } from './fixtures/sse-http.js';

/** Reads the events of one SSE response a few at a time (readEvents() takes the whole body at once). */
function eventsOf(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const queued: SseEvent[] = [];
  return async function next(count: number): Promise<SseEvent[]> {
    while (queued.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = { data: '' };
        const lines = block.split('\n').filter((line) => !line.startsWith(':'));
        if (lines.length === 0) continue;
        for (const line of lines) {
          const [name, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (name === 'id') event.id = value;
          else if (name === 'data') event.data = value;
        }
        queued.push(event);
      }
    }
    return queued.splice(0, count);
  };
}

const MODERN = '2026-07-28';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** tools/call on a session through one replica; the answer's text. */
async function call(replica: Replica, sessionId: string, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(new URL('/mcp', replica.base), {
    method: 'POST',
    headers: sessionHeaders(sessionId),
    body: JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method: 'tools/call', params: { name, arguments: args } }),
  });
  const answer = messages(await readEvents(response)).at(-1) as { result: { content: { text: string }[] } };
  return answer.result.content[0].text;
}

/** A 2026-07-28 request to one replica (no session: every request stands alone). */
async function modern(replica: Replica, method: string, params: Record<string, unknown>, name?: string): Promise<Response> {
  return fetch(new URL('/mcp', replica.base), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(name && { 'mcp-name': name }),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
        },
      },
    }),
  });
}

const listChanged = (m: Record<string, unknown>) => m.method === 'notifications/tools/list_changed';

describe('scale-out on Redis: streams resume on any replica, the 2026-07-28 path across replicas', () => {
  let redis: RedisTestServer;
  let a: Replica;
  let b: Replica;
  const prefix = `ss${randomUUID().slice(0, 6)}:`;
  const openStreamsOf = (replica: Replica) => replica.app.get(McpSessions).openStreams;

  beforeAll(async () => {
    redis = await RedisTestServer.start();
    [a, b] = [await startReplica('A', redis.url, prefix), await startReplica('B', redis.url, prefix)];
  });

  afterAll(async () => {
    await a.app.close();
    await b.app.close();
    await redis.close();
  });

  it('resumes the standalone stream on another replica with exactly the events missed, in order, then carries on there', async () => {
    const sessionId = await openSession(new URL('/mcp', a.base));
    const away = new AbortController();
    const first = await openGetStream(new URL('/mcp', a.base), sessionId, undefined, away.signal);
    expect(first.status).toBe(200);
    const onA = eventsOf(first);
    await until(() => openStreamsOf(a) > 0, 'the stream on A');
    // A tool registered through B: the broadcast reaches the stream on A (after its priming event).
    await call(b, sessionId, 'addTool', { name: 'seen-1' });
    const seen = await onA(2);
    const cursor = seen[1].id!;
    expect(messages(seen).filter(listChanged)).toHaveLength(1);
    away.abort();
    await until(() => openStreamsOf(a) === 0, 'A to see the client leave');

    // While the client is away, two more changes (through each replica); A keeps their events in Redis.
    await call(b, sessionId, 'addTool', { name: 'missed-1' });
    await call(a, sessionId, 'addTool', { name: 'missed-2' });

    const back = new AbortController();
    const resumed = await openGetStream(new URL('/mcp', b.base), sessionId, cursor, back.signal);
    expect(resumed.status).toBe(200);
    const onB = eventsOf(resumed);
    const replayed = await onB(2);
    expect(messages(replayed).map((m) => m.method)).toEqual(['notifications/tools/list_changed', 'notifications/tools/list_changed']);
    const ids = replayed.map((event) => event.id!);
    expect(new Set([cursor, ...ids]).size).toBe(3);

    // B holds the stream now: a change through A arrives there, once.
    await call(a, sessionId, 'addTool', { name: 'after-1' });
    const after = await onB(1);
    expect(messages(after).filter(listChanged)).toHaveLength(1);
    await call(b, sessionId, 'addTool', { name: 'after-2' });
    const last = await onB(1);
    // Once each, in order: the event of the first change came before the second's.
    expect(messages(last).filter(listChanged)).toHaveLength(1);
    expect(new Set([...ids, after[0].id, last[0].id]).size).toBe(4);
    back.abort();
  });

  it('resumes a POST stream on another replica: the events so far, then the rest of the request running on the first', async () => {
    const sessionId = await openSession(new URL('/mcp', a.base));
    const response = await fetch(new URL('/mcp', a.base), {
      method: 'POST',
      headers: sessionHeaders(sessionId),
      body: JSON.stringify({ jsonrpc: '2.0', id: 41, method: 'tools/call', params: { name: 'slow', arguments: {} } }),
    });
    // The tool logs, then closes its stream: the client holds a cursor and polls.
    const before = await readEvents(response);
    expect(messages(before).map((m) => (m.params as { data?: string }).data)).toEqual(['started on A']);
    const cursor = before.at(-1)!.id!;
    // On B, while the request still runs on A: nothing new yet, and the stream ends (the client polls again).
    const early = await openGetStream(new URL('/mcp', b.base), sessionId, cursor);
    expect(early.status).toBe(200);
    expect(messages(await readEvents(early))).toEqual([]);
    await until(() => ReplicaTools.release !== undefined, 'the tool to wait');
    ReplicaTools.release!();
    // The rest, appended to Redis by A, replayed by B: in order, no duplicates, nothing of another stream.
    let rest: Record<string, unknown>[] = [];
    for (let i = 0; i < 300 && !rest.some((m) => m.id === 41); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      rest = messages(await readEvents(await openGetStream(new URL('/mcp', b.base), sessionId, cursor)));
    }
    expect(rest).toEqual([
      expect.objectContaining({ method: 'notifications/message', params: expect.objectContaining({ data: 'finished on A' }) }),
      expect.objectContaining({ id: 41, result: { content: [{ type: 'text', text: 'slow done on A' }] } }),
    ]);
  });

  it('accepts a multi-round-trip retry on another replica once: the replay guard is shared', async () => {
    const first = (await (await modern(a, 'tools/call', { name: 'confirm', arguments: { item: 'n' } }, 'confirm')).json()) as { result: { resultType: string; requestState: string } };
    expect(first.result.resultType).toBe('input_required');
    const retry = {
      name: 'confirm',
      arguments: { item: 'n' },
      inputResponses: { 'elicit-0': { action: 'accept', content: { confirm: true } } },
      requestState: first.result.requestState,
    };
    const onB = (await (await modern(b, 'tools/call', retry, 'confirm')).json()) as { result: { content: { text: string }[] } };
    expect(onB.result.content[0].text).toBe('B: accept true');
    for (const replica of [a, b]) {
      const again = (await (await modern(replica, 'tools/call', retry, 'confirm')).json()) as { error: { message: string } };
      expect(again.error.message).toContain('already used');
    }
  });

  it('tells a subscriptions/listen stream on one replica of a change made through another', async () => {
    const stream = new AbortController();
    const listen = await fetch(new URL('/mcp', a.base), {
      ...(await modernInit('subscriptions/listen', { notifications: { toolsListChanged: true, resourceSubscriptions: ['notes://index'] } })),
      signal: stream.signal,
    });
    expect(listen.status).toBe(200);
    const onA = eventsOf(listen);
    expect(messages(await onA(1)).map((m) => m.method)).toEqual(['notifications/subscriptions/acknowledged']);
    const sessionId = await openSession(new URL('/mcp', b.base));
    await call(b, sessionId, 'addTool', { name: 'listened-1' });
    await call(b, sessionId, 'touchIndex');
    const events = messages(await onA(2));
    expect(events.map((m) => m.method)).toEqual(['notifications/tools/list_changed', 'notifications/resources/updated']);
    stream.abort();
  });

  /** The fetch init of a 2026-07-28 request (as `modern()` sends it). */
  async function modernInit(method: string, params: Record<string, unknown>): Promise<RequestInit> {
    return {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': method },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method,
        params: { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } },
      }),
    };
  }
});
