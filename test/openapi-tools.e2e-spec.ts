import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Client as ClientV2, StreamableHTTPClientTransport as StreamableHTTPClientTransportV2 } from '@modelcontextprotocol/client';
import { fromOpenApi, McpModule } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { PETSTORE_KEY, petstoreDocument, startPetstore } from './fixtures/rest-tools/petstore.server.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, any>; isError?: boolean };

describe('tools from an OpenAPI document (fromOpenApi)', () => {
  let petstore: { server: Server; base: string; requests: { url: string; headers: Record<string, unknown> }[] };
  let app: INestApplication;
  let url: (path?: string) => URL;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as unknown as ToolResult;

  beforeAll(async () => {
    petstore = await startPetstore();
    // The service's own document, as it serves it.
    const spec = JSON.stringify(await (await fetch(`${petstore.base}/openapi.json`)).json());
    ({ app, url } = await startApp({
      imports: [
        McpModule.forRoot({
          name: 'shop',
          version: '1.0.0',
          openApi: [
            fromOpenApi({ spec, baseUrl: petstore.base, tags: ['pets'], headers: { 'x-api-key': PETSTORE_KEY } }),
            fromOpenApi({ spec, baseUrl: petstore.base, tags: ['debug'], namePrefix: 'debug_', timeoutMs: 500, maxResponseBytes: 10_000 }),
            fromOpenApi({
              spec: petstoreDocument,
              baseUrl: petstore.base,
              operationIds: ['getPet'],
              map: (operation) => ({ ...operation, name: 'find_pet', description: 'Find one pet by its id' }),
            }),
          ],
        }),
      ],
    }));
    client = await createMcpClient(app, { headers: { authorization: 'Bearer mcp-token-not-for-the-petstore' } });
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
    await new Promise((resolve) => petstore?.server.close(resolve));
  });

  it('lists the filtered operations, named by operationId, with parameters and bodies mapped and $refs resolved', async () => {
    const tools = Object.fromEntries((await client.listTools()).tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(tools).sort()).toEqual(['createPet', 'debug_big', 'debug_collide', 'debug_echo', 'debug_moved', 'debug_slow', 'find_pet', 'getPet', 'listPets']);
    expect(tools.listPets.description).toBe('List pets');
    expect(tools.listPets.inputSchema).toEqual({
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1, description: 'How many at most' },
        species: { type: 'string', enum: ['cat', 'dog'] },
      },
    });
    expect(tools.listPets.outputSchema).toMatchObject({ type: 'object', properties: { result: { type: 'array', items: { $ref: '#/$defs/Pet' } } } });
    expect(tools.createPet.inputSchema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string' }, parent: { $ref: '#/$defs/Pet' } },
      required: ['name'],
      $defs: { Pet: { type: 'object', properties: { parent: { $ref: '#/$defs/Pet' } } } },
    });
    expect(tools.getPet.inputSchema).toMatchObject({ properties: { petId: { type: 'integer', description: 'Id of the pet' } }, required: ['petId'] });
    expect(tools.find_pet.description).toBe('Find one pet by its id');
    expect(tools.debug_echo.inputSchema).toMatchObject({ properties: { value: { type: 'string' }, 'x-trace': { type: 'string' } }, required: ['value'] });
  });

  it('merges path, query and body into one input without collisions (the documented rule)', async () => {
    const tool = (await client.listTools()).tools.find((candidate) => candidate.name === 'debug_collide')!;
    expect(tool.inputSchema).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string' },
        id_query: { type: 'string' },
        body: { type: 'string' },
        body_: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
      },
      required: ['id', 'body_'],
    });
    const echo = await call('debug_collide', { id: 'p', id_query: 'q', body: 'b', body_: { id: 'in-body', name: 'n' } });
    expect(echo.structuredContent).toEqual({ path: '/collide/p', query: '?id=q&body=b', body: { id: 'in-body', name: 'n' } });
  });

  it('calls the service over HTTP and returns what it returns', async () => {
    const rest = await (await fetch(`${petstore.base}/pets?species=cat`)).json();
    expect((await call('listPets', { species: 'cat' })).structuredContent).toEqual({ result: rest });
    expect((await call('getPet', { petId: 2 })).structuredContent).toEqual({ id: 2, name: 'Rex', species: 'dog' });
    const created = await call('createPet', { name: 'Kit', species: 'cat' });
    expect(created.structuredContent).toEqual({ id: 3, name: 'Kit', species: 'cat' });
    expect(petstore.requests.at(-1)!.headers['x-api-key']).toBe(PETSTORE_KEY);
  });

  it("turns the service's errors into tool errors with their message", async () => {
    expect(await call('getPet', { petId: 99 })).toMatchObject({ isError: true, content: [{ text: 'No pet 99' }] });
    expect(await call('createPet', { name: 5 })).toMatchObject({ isError: true, content: [{ text: 'name must be a string' }] });
    expect(await call('debug_moved', {})).toMatchObject({ isError: true, content: [{ text: 'The REST call failed with HTTP status 302.' }] });
  });

  it("sends the configured headers only: not the MCP caller's token, and no header of the response comes back", async () => {
    const echo = await call('debug_echo', { value: '../pets', 'x-trace': 't-1' });
    expect(echo.structuredContent!.path).toBe('/echo/..%2Fpets');
    const headers = echo.structuredContent!.headers as Record<string, string>;
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers['x-trace']).toBe('t-1');
    expect(JSON.stringify(echo)).not.toContain('secret-123');
    expect((await call('debug_echo', { value: '..' })).isError).toBe(true);
  });

  it('caps the time and the size of a call', async () => {
    expect(await call('debug_slow', {})).toMatchObject({ isError: true, content: [{ text: 'The REST call took longer than 500 ms and was abandoned.' }] });
    expect(await call('debug_big', {})).toMatchObject({ isError: true, content: [{ text: "The REST call's response is larger than 10000 bytes and was abandoned." }] });
  });

  it('serves the same tools on the 2026-07-28 path', async () => {
    const modern = new ClientV2({ name: 'modern-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await modern.connect(new StreamableHTTPClientTransportV2(url('/mcp')));
    const result = (await modern.callTool({ name: 'find_pet', arguments: { petId: 1 } })) as unknown as ToolResult;
    expect(result.structuredContent).toEqual({ id: 1, name: 'Tom', species: 'cat' });
    await modern.close();
  });

  it('refuses a document it cannot use, at start-up, with a clear error', () => {
    expect(() => fromOpenApi({ spec: { swagger: '2.0', paths: {} }, baseUrl: petstore.base })).toThrow('fromOpenApi(): the document must be OpenAPI 3.x');
    expect(() => fromOpenApi({ spec: '{not json', baseUrl: petstore.base })).toThrow('fromOpenApi(): the document is not valid JSON');
    expect(() => fromOpenApi({ spec: petstoreDocument, baseUrl: 'file:///etc' })).toThrow('fromOpenApi(): baseUrl "file:///etc" must be an absolute http(s) URL without credentials, query or fragment.');
    const remote = { openapi: '3.0.3', paths: { '/a': { get: { parameters: [{ $ref: 'https://example.com/p.json#/x' }], responses: {} } } } };
    expect(() => fromOpenApi({ spec: remote, baseUrl: petstore.base })).toThrow('only local "#/..." references are followed');
    // An operation whose body is not JSON is not made a tool.
    expect(fromOpenApi({ spec: petstoreDocument, baseUrl: petstore.base, operationIds: ['upload'] }).operations).toEqual([]);
  });
});
