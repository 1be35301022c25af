import { applyDecorators, Controller, Get, Headers, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiHeader } from '@nestjs/swagger';
import { fromOpenApi, McpModule, McpTool } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startPetstore } from './fixtures/rest-tools/petstore.server.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, any>; isError?: boolean };

const RESERVED = ['Authorization', 'Accept', 'Content-Type', 'Host', 'Cookie', 'X-HTTP-Method-Override', 'X-Forwarded-For'];

@Controller('whoami')
class WhoamiController {
  @Get()
  @McpTool({ name: 'whoami' })
  @ApiHeader({ name: 'x-tenant', required: false })
  @ApiHeader({ name: 'x-trace', required: false })
  @applyDecorators(...RESERVED.map((name) => ApiHeader({ name, required: false })))
  whoami(@Headers() headers: Record<string, string>) {
    return { headers };
  }
}

/** A document whose operation declares the reserved headers as parameters, as some generated documents do. */
const document = {
  openapi: '3.0.3',
  info: { title: 'Echo', version: '1' },
  paths: {
    '/echo/{value}': {
      get: {
        operationId: 'echo',
        parameters: [...RESERVED, 'X-Trace', 'x-api-key'].map((name) => ({ name, in: 'header', schema: { type: 'string' } })),
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

// Header parameters named Authorization, Cookie, Host, Content-Type, Accept, a method override or a proxy header are
// no tool arguments: they would replace the credentials the call forwards or is configured with, or change what
// the request is. Forwarded and configured headers win over the header arguments that remain.
describe('REST tools: reserved header parameters', () => {
  let petstore: Awaited<ReturnType<typeof startPetstore>>;
  let app: INestApplication;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

  beforeAll(async () => {
    petstore = await startPetstore();
    @Module({
      imports: [
        McpModule.forRoot({
          name: 'reserved',
          version: '1.0.0',
          routes: { forwardHeaders: ['authorization', 'x-tenant'] },
          openApi: fromOpenApi({ spec: document, baseUrl: petstore.base, headers: { Authorization: 'Bearer service', 'X-Api-Key': 'service-key' } }),
        }),
      ],
      controllers: [WhoamiController],
    })
    class ReservedModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ReservedModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    client = await createMcpClient(app, { headers: { authorization: 'Bearer caller', 'x-tenant': 'acme' } });
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
    await new Promise((resolve) => petstore?.server.close(resolve));
  });

  it('does not make them arguments', async () => {
    const tools = Object.fromEntries((await client.listTools()).tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(tools.whoami.inputSchema.properties!).sort()).toEqual(['x-tenant', 'x-trace']);
    expect(Object.keys(tools.echo.inputSchema.properties!).sort()).toEqual(['X-Trace', 'value', 'x-api-key']);
  });

  it('sends the forwarded and configured headers, not the arguments given for them', async () => {
    const route = await call('whoami', { Authorization: 'Bearer forged', 'X-HTTP-Method-Override': 'DELETE', 'x-tenant': 'other', 'x-trace': 't1' });
    expect(route.structuredContent!.headers).toMatchObject({ authorization: 'Bearer caller', 'x-tenant': 'acme', 'x-trace': 't1' });
    expect(route.structuredContent!.headers['x-http-method-override']).toBeUndefined();
    const echo = await call('echo', { value: 'v', Authorization: 'Bearer forged', Cookie: 'session=forged', 'x-api-key': 'forged', 'X-Trace': 't2' });
    const headers = echo.structuredContent!.headers as Record<string, string>;
    expect(headers).toMatchObject({ authorization: 'Bearer service', 'x-api-key': 'service-key', 'x-trace': 't2', accept: 'application/json' });
    expect(headers.cookie).toBeUndefined();
  });
});
