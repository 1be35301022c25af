import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { McpModule } from '@nestmcp/core';
import { EchoTools } from './fixtures/echo.tools.js';

describe('legacy HTTP+SSE transport on Fastify', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'sse-fastify', version: '1.0.0', transports: { sse: {} } })],
      providers: [EchoTools],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
    app.setGlobalPrefix('api');
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  it('serves a session with the global prefix and per-POST headers', async () => {
    const url = new URL('/api/sse', await app.getUrl());
    let call = 0;
    const client = new Client({ name: 'fastify-sse', version: '1.0.0' });
    await client.connect(
      new SSEClientTransport(url, {
        // Every POST gets its own x-call header.
        fetch: (input, init) => {
          const headers = new Headers(init?.headers);
          headers.set('x-call', `post-${++call}`);
          return fetch(input, { ...init, headers });
        },
      }),
    );
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const seen = JSON.parse((result.content as { text: string }[])[0].text);
    expect(seen.before).toMatch(/^post-\d+$/);
    expect(seen.fromRequest).toBe(seen.before);
    const again = JSON.parse(((await client.callTool({ name: 'whoami', arguments: {} })).content as { text: string }[])[0].text);
    expect(again.before).not.toBe(seen.before);
    await client.close();
  });
});
