import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createMcpClient } from '@nestmcp/core/testing';
import { foundationModule } from './fixtures/foundation/foundation.module.js';
import { initializeRequest, post } from './fixtures/http.js';

describe.each([
  ['stateful SSE', {}],
  ['stateless JSON', { stateless: true, jsonResponse: true }],
])('on Fastify (%s)', (_name, streamableHttp) => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [foundationModule({ transports: { streamableHttp } })] }).compile();
    app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  it('serves tools, resources and prompts to the SDK client', async () => {
    const client = await createMcpClient(app);
    expect((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).content).toEqual([{ type: 'text', text: '3' }]);
    expect((await client.readResource({ uri: 'items://apple' })).contents[0]).toMatchObject({ uri: 'items://apple' });
    expect((await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } })).messages).toHaveLength(1);
    const whoami = await client.callTool({ name: 'whoami', arguments: {} });
    expect(JSON.parse((whoami.content as { text: string }[])[0].text)).toMatchObject({ tenant: null });
    await client.close();
  });

  it('answers errors as JSON-RPC bodies', async () => {
    const url = new URL('/mcp', (await app.getUrl()).replace('[::1]', '127.0.0.1'));
    const batch = await post(url, [initializeRequest()]);
    expect(batch.status).toBe(400);
    expect(batch.messages[0].error.code).toBe(-32600);
  });
});
