import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { McpModule, McpSessionStore, type McpSessionRecord, type McpSessionRecordChanges } from '@nestmcp/core';
import { MCP_POST_HEADERS, initializeBody, messagesOf, rawRequest } from './fixtures/raw-http.js';
import { LifecycleTools } from './fixtures/lifecycle/lifecycle.tools.js';

/** A session store that records what the session service asks of it (and keeps records as JSON, like Redis would). */
class RecordingStore implements McpSessionStore {
  readonly records = new Map<string, string>();
  readonly calls: string[] = [];
  closed = false;

  async get(key: string): Promise<McpSessionRecord | undefined> {
    const json = this.records.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as McpSessionRecord);
  }
  async set(key: string, record: McpSessionRecord, ttlMs: number): Promise<void> {
    this.calls.push(`set ${ttlMs}`);
    this.records.set(key, JSON.stringify(record));
  }
  async update(key: string, changes: McpSessionRecordChanges): Promise<boolean> {
    const record = await this.get(key);
    if (!record) return false;
    this.calls.push(`update ${Object.keys(changes).sort().join(',')}`);
    this.records.set(key, JSON.stringify({ ...record, ...changes }));
    return true;
  }
  async touch(key: string): Promise<boolean> {
    return this.records.has(key);
  }
  async delete(key: string): Promise<void> {
    this.calls.push('delete');
    this.records.delete(key);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

async function start(configure: (store: RecordingStore) => { app: Promise<INestApplication> }): Promise<{ app: INestApplication; port: number; store: RecordingStore }> {
  const store = new RecordingStore();
  const app = await configure(store).app;
  await app.listen(0, '127.0.0.1');
  return { app, port: (app.getHttpServer().address() as { port: number }).port, store };
}

describe('stores: the session records behind the sessions', () => {
  const options = { name: 'stored', version: '1.0.0', limits: { sessionIdleTimeoutMs: 60_000 } };

  async function session(port: number) {
    const init = await rawRequest(port, { headers: MCP_POST_HEADERS, body: initializeBody() });
    const id = String(init.headers['mcp-session-id']);
    const headers = { ...MCP_POST_HEADERS, 'mcp-session-id': id };
    await rawRequest(port, { headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    return { id, headers };
  }

  it('writes each session as a JSON record (negotiated version, client, log level, subscriptions) and deletes it when it ends', async () => {
    const { app, port, store } = await start((recording) => ({
      app: Test.createTestingModule({ imports: [McpModule.forRoot({ ...options, stores: { sessions: recording } })], providers: [LifecycleTools] })
        .compile()
        .then((moduleRef) => moduleRef.createNestApplication({ logger: false })),
    }));
    const { id, headers } = await session(port);
    const call = (n: number, method: string, params: Record<string, unknown>) =>
      rawRequest(port, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: n, method, params }) }).then((r) => messagesOf(r)[0]);
    expect(await call(2, 'logging/setLevel', { level: 'warning' })).toMatchObject({ result: {} });
    expect(await call(3, 'resources/subscribe', { uri: 'files://public' })).toMatchObject({ result: {} });
    const [key] = [...store.records.keys()];
    expect(key).toBe(`stored:session:${id}`);
    expect(await store.get(key)).toMatchObject({
      id,
      server: 'stored',
      transport: 'streamable-http',
      protocolVersion: '2025-11-25',
      clientInfo: { name: 'raw', version: '1.0.0' },
      clientCapabilities: {},
      logLevel: 'warning',
      subscriptions: ['files://public'],
    });
    expect(store.calls[0]).toBe('set 60000');
    await rawRequest(port, { method: 'DELETE', headers: { 'mcp-session-id': id } });
    expect(store.records.size).toBe(0);
    await app.close();
    // A store given in the options is the caller's: the server does not close it.
    expect(store.closed).toBe(false);
  });

  it('takes a store from overrideProvider(McpSessionStore), as tests do', async () => {
    const { app, port, store } = await start((recording) => ({
      app: Test.createTestingModule({ imports: [McpModule.forRoot(options)], providers: [LifecycleTools] })
        .overrideProvider(McpSessionStore)
        .useValue(recording)
        .compile()
        .then((moduleRef) => moduleRef.createNestApplication({ logger: false })),
    }));
    const { id } = await session(port);
    expect(await store.get(`stored:session:${id}`)).toMatchObject({ id, protocolVersion: '2025-11-25' });
    await app.close();
  });
});
