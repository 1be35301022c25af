import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from 'zod';
import { ApplicationConfig } from '@nestjs/core';
import { McpRegistry } from '../registry/mcp-registry.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpDispatcher } from './mcp-dispatcher.js';
import { McpOperations } from '../operations/mcp-operations.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import type { McpContext } from '../context/mcp-context.js';

/** The dispatcher over the SDK's in-memory transport: protocol handling without HTTP. */
describe('McpDispatcher', () => {
  const options = { name: 'unit', version: '0.0.1', instructions: 'hi' };
  let registry: McpRegistry;
  let client: Client;

  beforeEach(async () => {
    registry = new McpRegistry(options);
    registry.registerTool({ name: 'double', input: { n: z.number() } }, async (args) => String((args as { n: number }).n * 2));
    registry.registerTool({ name: 'session', description: 'reports the session' }, async (_args, ctx: McpContext) => ctx.sessionId ?? 'none');
    registry.registerResource({ name: 'doc', uriTemplate: 'doc://{slug}' }, async (vars) => `doc ${(vars as { slug: string }).slug}`);
    registry.registerPrompt({ name: 'p', args: [{ name: 'x', required: true }] }, async (args) => `x=${(args as { x: string }).x}`);
    const auth = new McpAuthenticator(new McpResolvedOptions(options), registry, new ApplicationConfig()); // no `auth` option: inactive
    const resolved = new McpResolvedOptions(options);
    const { server } = new McpDispatcher(new McpOperations(registry, resolved, auth), resolved).createServer('s-1');
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'c', version: '1' });
    await client.connect(clientSide);
  });
  afterEach(() => client.close());

  it('serves the registry through the SDK protocol', async () => {
    expect(client.getInstructions()).toBe('hi');
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['double', 'session']);
    expect((await client.callTool({ name: 'double', arguments: { n: 21 } })).content).toEqual([{ type: 'text', text: '42' }]);
    expect((await client.readResource({ uri: 'doc://intro' })).contents).toEqual([{ uri: 'doc://intro', text: 'doc intro' }]);
    expect((await client.getPrompt({ name: 'p', arguments: { x: '1' } })).messages[0].content).toEqual({ type: 'text', text: 'x=1' });
  });

  it('sees tools registered at runtime and validates arguments before the handler', async () => {
    registry.registerTool({ name: 'late' }, async () => 'late');
    expect((await client.callTool({ name: 'late', arguments: {} })).content).toEqual([{ type: 'text', text: 'late' }]);
    const invalid = await client.callTool({ name: 'double', arguments: { n: 'x' } });
    expect(invalid.isError).toBe(true);
  });

  it('answers bad params with -32602 and unknown methods with -32601', async () => {
    await expect(client.request({ method: 'resources/read', params: { uri: 5 } } as never, z.any())).rejects.toMatchObject({ code: -32602 });
    await expect(client.request({ method: 'nope/never' } as never, z.any())).rejects.toMatchObject({ code: -32601 });
  });

  it('gives handlers the session id of their transport (none in memory)', async () => {
    expect((await client.callTool({ name: 'session', arguments: {} })).content).toEqual([{ type: 'text', text: 'none' }]);
  });
});
