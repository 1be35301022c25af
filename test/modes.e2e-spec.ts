import type { INestApplication } from '@nestjs/common';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { foundationModule } from './fixtures/foundation/foundation.module.js';
import { initializeRequest, post, request } from './fixtures/http.js';

describe('stateless mode', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, url } = await startApp({ imports: [foundationModule({ transports: { streamableHttp: { stateless: true } } })] }));
  });
  afterAll(() => app.close());

  it('serves initialize without a session, then any request on its own', async () => {
    const init = await post(url(), initializeRequest());
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    const call = await post(url(), { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 2 } } });
    expect(call.messages).toEqual([{ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: '3' }] } }]);
  });

  it('works with the SDK client', async () => {
    const client = await createMcpClient(app);
    expect((await client.callTool({ name: 'add', arguments: { a: 4, b: 5 } })).content).toEqual([{ type: 'text', text: '9' }]);
    expect((await client.readResource({ uri: 'items://apple' })).contents[0]).toMatchObject({ uri: 'items://apple' });
    await client.close();
  });

  it('answers GET and DELETE with 405', async () => {
    const get = await request(url(), 'GET', { accept: 'text/event-stream' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.messages[0].error.message).toMatch(/stateless/);
    expect((await request(url(), 'DELETE')).status).toBe(405);
  });

  it('answers notifications with 202', async () => {
    expect((await post(url(), { jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);
  });
});

describe('JSON response mode', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, url } = await startApp({ imports: [foundationModule({ transports: { streamableHttp: { jsonResponse: true } } })] }));
  });
  afterAll(() => app.close());

  it('answers with application/json bodies and accepts Accept: application/json alone', async () => {
    const init = await post(url(), initializeRequest(), { accept: 'application/json' });
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toBe('application/json');
    const sessionId = init.headers.get('mcp-session-id')!;
    const call = await post(url(), { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'add', arguments: { a: 2, b: 2 } } }, {
      'mcp-session-id': sessionId,
    });
    expect(call.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(call.text)).toEqual({ jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: '4' }] } });
  });

  it('works with the SDK client', async () => {
    const client = await createMcpClient(app);
    expect((await client.callTool({ name: 'stats', arguments: { values: [2] } })).structuredContent).toEqual({ sum: 2, count: 1 });
    await client.close();
  });
});

describe('stateless JSON mode', () => {
  it('combines both', async () => {
    const { app, url } = await startApp({ imports: [foundationModule({ transports: { streamableHttp: { stateless: true, jsonResponse: true } } })] });
    const call = await post(url(), { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 1 } } }, {
      accept: 'application/json',
    });
    expect(JSON.parse(call.text)).toEqual({ jsonrpc: '2.0', id: 'a', result: { content: [{ type: 'text', text: '2' }] } });
    await app.close();
  });
});
