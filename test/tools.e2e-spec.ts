import type { INestApplication } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { foundationModule } from './fixtures/foundation/foundation.module.js';

describe('tools over Streamable HTTP', () => {
  let app: INestApplication;
  let client: Client;

  beforeAll(async () => {
    ({ app } = await startApp({ imports: [foundationModule()] }));
    client = await createMcpClient(app);
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('answers initialize with the server info, instructions and capabilities', () => {
    expect(client.getServerVersion()).toEqual({ name: 'foundation', version: '1.2.3' });
    expect(client.getInstructions()).toBe('Use the tools.');
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: {}, prompts: {}, completions: {}, logging: {} });
  });

  it('lists tools with their JSON Schemas, names defaulting to the method name', async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining(['add', 'divide', 'explode', 'protocolError', 'describePerson', 'stats', 'raw', 'shout', 'whoami']),
    );
    expect(byName.add).toMatchObject({
      description: 'Add two numbers',
      annotations: { readOnlyHint: true },
      inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    });
    expect(byName.describePerson.inputSchema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0, maximum: 150 }, address: { $ref: '#/$defs/AddressDto' } },
      required: expect.arrayContaining(['name', 'age']),
      $defs: { AddressDto: { properties: { city: { type: 'string' } } } },
    });
    expect(byName.stats.outputSchema).toMatchObject({ type: 'object', properties: { sum: { type: 'number' } } });
    expect(byName.raw).toMatchObject({ title: 'Raw', icons: [{ src: 'https://example.com/i.png' }], _meta: { team: 'x' } });
    expect(byName.explode.inputSchema).toEqual({ type: 'object', properties: {} });
  });

  it('calls a tool with zod input', async () => {
    expect(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })).toEqual({ content: [{ type: 'text', text: '5' }] });
  });

  it('returns invalid arguments as a tool error naming the field', async () => {
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 'three' } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0].text).toMatch(/Invalid arguments for tool "add": b: .*expected number/);
  });

  it('validates DTO input with class-validator and passes a DTO instance', async () => {
    const ok = await client.callTool({ name: 'describePerson', arguments: { name: 'Ada', age: 36, address: { city: 'London' } } });
    expect(ok.content).toEqual([{ type: 'text', text: 'Ada (36) from London; dto=true' }]);
    const bad = await client.callTool({ name: 'describePerson', arguments: { name: 'Ada', age: 200, address: { city: '' } } });
    expect(bad.isError).toBe(true);
    const text = (bad.content as { text: string }[])[0].text;
    expect(text).toContain('age: age must not be greater than 150');
    expect(text).toContain('address.city: city should not be empty');
  });

  it('validates JSON Schema input', async () => {
    expect((await client.callTool({ name: 'shout', arguments: { word: 'hey' } })).content).toEqual([{ type: 'text', text: 'HEY' }]);
    const bad = await client.callTool({ name: 'shout', arguments: { word: 'h' } });
    expect(bad.isError).toBe(true);
    expect((bad.content as { text: string }[])[0].text).toMatch(/Invalid arguments for tool "shout".*word/);
  });

  it('turns thrown errors into tool error results', async () => {
    const http = await client.callTool({ name: 'divide', arguments: { a: 1, b: 0 } });
    expect(http).toEqual({ content: [{ type: 'text', text: 'Cannot divide by zero' }], isError: true });
    const plain = await client.callTool({ name: 'explode', arguments: {} });
    expect(plain).toEqual({ content: [{ type: 'text', text: 'the tool broke' }], isError: true });
  });

  it('turns a thrown McpError into a JSON-RPC error with its code', async () => {
    await expect(client.callTool({ name: 'protocolError', arguments: {} })).rejects.toMatchObject({ code: -32042 });
  });

  it('answers an unknown tool with a JSON-RPC error', async () => {
    const error = await client.callTool({ name: 'nope', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: -32602, message: expect.stringContaining('Unknown tool: nope') });
  });

  it('returns structuredContent plus a text copy for tools with an output schema', async () => {
    const result = await client.callTool({ name: 'stats', arguments: { values: [1, 2, 3] } });
    expect(result).toEqual({ structuredContent: { sum: 6, count: 3 }, content: [{ type: 'text', text: '{"sum":6,"count":3}' }] });
  });

  it('reports output that breaks the output schema as a tool error', async () => {
    const result = await client.callTool({ name: 'badOutput', arguments: {} });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0].text).toMatch(/does not match its output schema: ok:/);
  });

  it('passes a full CallToolResult through', async () => {
    expect((await client.callTool({ name: 'raw', arguments: {} })).content).toEqual([
      { type: 'text', text: 'one' },
      { type: 'text', text: 'two' },
    ]);
  });

  it('sends progress notifications when the client asks for them', async () => {
    const progress: number[] = [];
    const result = await client.callTool({ name: 'count', arguments: { n: 3 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(progress).toEqual([1, 2, 3]);
    expect(result.content).toEqual([{ type: 'text', text: 'counted to 3' }]);
  });

  it('resolves a request-scoped provider per call, with the HTTP request of that call', async () => {
    const tenantClient = await createMcpClient(app, { headers: { 'x-tenant': 'acme' } });
    const whoami = async () => JSON.parse(((await tenantClient.callTool({ name: 'whoami', arguments: {} })).content as { text: string }[])[0].text);
    const first = await whoami();
    const second = await whoami();
    expect(first.tenant).toBe('acme');
    expect(second.instance).toBeGreaterThan(first.instance);
    await tenantClient.close();
  });
});
