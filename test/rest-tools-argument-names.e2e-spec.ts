import type { AddressInfo } from 'node:net';
import { Body, Controller, Get, type INestApplication, Module, Param, Post, Query, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { fromOpenApi, McpModule, McpTool } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { MCP_POST_HEADERS, messagesOf, openSession, rawRequest } from './fixtures/raw-http.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

/** Parameters named like Object.prototype's properties. */
@Controller('odd')
class OddNamesController {
  @Get(':constructor')
  @McpTool({ name: 'odd_get' })
  get(@Param('constructor') ctor: string, @Query('toString') toString?: string, @Query('hasOwnProperty') own?: string) {
    return { ctor, toString: toString ?? null, own: own ?? null };
  }

  @Post('create')
  @McpTool({ name: 'odd_create' })
  create(@Body('valueOf') valueOf: unknown, @Body('constructor') _ctor: unknown, @Req() req: { body: object }) {
    return { valueOf: valueOf ?? null, sent: Object.keys(req.body) };
  }
}

/** An OpenAPI document with a component schema and parameters named like Object.prototype's properties. */
const document = {
  openapi: '3.1.0',
  info: { title: 'Odd', version: '1' },
  paths: {
    '/things/{constructor}': {
      get: {
        operationId: 'oddThing',
        parameters: [{ name: '__proto__', in: 'query', schema: { $ref: '#/components/schemas/toString' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
  components: { schemas: { toString: { type: 'string', description: 'A schema named toString' } } },
};

// The merge of path, query and body parameters into one object must see only the names it put there: with `in` on a
// plain object, `constructor`, `toString` & co. collided with Object.prototype and got renamed, and `__proto__` set
// the schema object's prototype instead of a property.
describe.each(['express', 'fastify'] as const)('route tools: arguments named like Object.prototype properties (%s)', (adapter) => {
  let app: INestApplication;
  let client: Client;

  beforeAll(async () => {
    @Module({
      imports: [McpModule.forRoot({ name: 'odd', version: '1.0.0', openApi: fromOpenApi({ spec: document, baseUrl: 'http://127.0.0.1:9/odd' }) })],
      controllers: [OddNamesController],
    })
    class OddModule {}
    const moduleRef = await Test.createTestingModule({ imports: [OddModule] }).compile();
    app = adapter === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    client = await createMcpClient(app);
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it('lists them under their own names', async () => {
    const tools = Object.fromEntries((await client.listTools()).tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(tools.odd_get.inputSchema.properties!).sort()).toEqual(['constructor', 'hasOwnProperty', 'toString']);
    expect(tools.odd_get.inputSchema.required).toEqual(['constructor']);
    expect(Object.keys(tools.odd_create.inputSchema.properties!).sort()).toEqual(['constructor', 'valueOf']);
    // Read raw: the SDK client's schema parsing drops a `__proto__` key of what it receives.
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const session = await openSession(port);
    const listing = await rawRequest(port, {
      headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    const raw = (messagesOf(listing)[0].result.tools as { name: string; inputSchema: unknown }[]).find((tool) => tool.name === 'oddThing')!;
    const odd = raw.inputSchema as { properties: Record<string, unknown>; $defs?: Record<string, unknown> };
    expect(Object.keys(odd.properties).sort()).toEqual(['__proto__', 'constructor']);
    expect(odd.properties.__proto__).toEqual({ $ref: '#/$defs/toString' });
    expect(odd.$defs).toEqual({ toString: { type: 'string', description: 'A schema named toString' } });
  });

  it('sends them where they belong, and leaves out the ones not given', async () => {
    const got = (await client.callTool({ name: 'odd_get', arguments: { constructor: 'c', toString: 't' } })) as ToolResult;
    expect(got.structuredContent).toEqual({ ctor: 'c', toString: 't', own: null });
    const created = (await client.callTool({ name: 'odd_create', arguments: { valueOf: 1 } })) as ToolResult;
    expect(created.structuredContent).toEqual({ valueOf: 1, sent: ['valueOf'] });
  });
});
