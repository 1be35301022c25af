import 'reflect-metadata';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ApplicationConfig } from '@nestjs/core';
import { McpRegistry } from '../registry/mcp-registry.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpOperations } from '../operations/mcp-operations.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { StreamableHttpTransport } from '../transports/streamable-http.transport.js';
import { McpDispatcher } from './mcp-dispatcher.js';
import { InitializeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { checkInitialize, commonInitialize } from './checked-handshake.js';
import { protocolMessageEntry } from './protocol-request-entry.js';

type Handlers = { _requestHandlers: Map<string, (request: unknown, extra: unknown) => Promise<unknown>> };
type Notifications = { _notificationHandlers: Map<string, (notification: unknown) => Promise<void>> };

/** The SDK servers' handshake handlers reuse the endpoint's parse of initialize, and answer exactly as the SDK's do. */
describe('checked handshake', () => {
  const options = { name: 'unit', version: '0.0.1' };
  const registry = new McpRegistry(options);
  const resolved = new McpResolvedOptions(options);
  const dispatcher = new McpDispatcher(new McpOperations(registry, resolved, new McpAuthenticator(resolved, registry, new ApplicationConfig())), resolved);
  const initialize = (params: unknown) => ({ jsonrpc: '2.0', id: 1, method: 'initialize', params });
  const valid = { protocolVersion: '2025-11-25', capabilities: { roots: {} }, clientInfo: { name: 'c', version: '1' } };

  function server(): Server {
    return dispatcher.createServer('s').server;
  }

  it('answers a checked initialize from the endpoint parse, an unchecked one by parsing it', async () => {
    const checked = initialize(valid);
    expect(checkInitialize(checked).success).toBe(true);
    const a = server();
    const b = server();
    const answerA = await (a as unknown as Handlers)._requestHandlers.get('initialize')!(checked, {});
    const answerB = await (b as unknown as Handlers)._requestHandlers.get('initialize')!(initialize(valid), {});
    expect(answerA).toEqual(answerB);
    expect(answerA).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: { name: 'unit' } });
    expect(a.getClientCapabilities()).toEqual({ roots: {} });
    expect(b.getClientVersion()).toEqual({ name: 'c', version: '1' });
  });

  it('parses the common initialize without zod into exactly what zod gives, and leaves every other shape to zod', () => {
    const capabilities: unknown[] = [
      {},
      { roots: {} },
      { roots: { listChanged: true } },
      { sampling: {} },
      { sampling: {}, roots: { listChanged: false } },
      { roots: { listChanged: true }, sampling: {} },
      // For zod: other capabilities, or values of the wrong type.
      { roots: { listChanged: 'yes' } },
      { roots: { other: 1 } },
      { roots: [] },
      { roots: null },
      { sampling: { tools: {} } },
      { sampling: { context: {} } },
      { elicitation: {} },
      { experimental: { x: {} } },
      { tasks: {} },
      { extensions: {} },
      { unknown: {} },
      [],
      null,
      'x',
    ];
    const clientInfos: unknown[] = [
      { name: 'c', version: '1' },
      { version: '1', name: 'c', title: 'C', description: 'd', websiteUrl: 'https://c.example' },
      { name: 'c', version: '1', title: 5 },
      { name: 'c', version: '1', icons: [{ src: 'https://c.example/i.png' }] },
      { name: 'c', version: '1', extra: true },
      { name: 'c' },
      { name: 1, version: '1' },
      null,
    ];
    const extras: Record<string, unknown>[] = [{}, { _meta: { progressToken: 1 } }, { other: true }];
    let common = 0;
    for (const caps of capabilities) {
      for (const clientInfo of clientInfos) {
        for (const extra of extras) {
          for (const protocolVersion of ['2025-11-25', 'unknown', 5]) {
            const message = { jsonrpc: '2.0', id: 7, method: 'initialize', params: { protocolVersion, capabilities: caps, clientInfo, ...extra } };
            const fast = commonInitialize(message);
            const zod = InitializeRequestSchema.safeParse(message);
            if (fast !== undefined) {
              common++;
              expect(zod.success).toBe(true);
              // Same values, same keys in the same order.
              expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
              expect(fast).toStrictEqual(zod.data);
            }
            const checked = checkInitialize(message);
            expect({ message, success: checked.success }).toEqual({ message, success: zod.success });
            if (checked.success) expect(JSON.stringify(checked.data)).toBe(JSON.stringify(zod.data));
          }
        }
      }
    }
    // The six capabilities x two client infos x two string versions, without _meta or other params.
    expect(common).toBe(6 * 2 * 2);
    // New objects, as zod makes them: nothing the client sent is shared with what the session keeps.
    const input = { roots: { listChanged: true } };
    const parsed = commonInitialize({ method: 'initialize', params: { protocolVersion: 'v', capabilities: input, clientInfo: { name: 'c', version: '1' } } });
    expect(parsed!.params.capabilities).not.toBe(input);
    expect(parsed!.params.capabilities.roots).not.toBe(input.roots);
  });

  it('refuses an unchecked initialize the SDK schema refuses, as the SDK does (the ZodError, thrown at once)', () => {
    const handler = (server() as unknown as Handlers)._requestHandlers.get('initialize')!;
    expect(() => handler(initialize({ protocolVersion: 5 }), {})).toThrow(expect.objectContaining({ name: 'ZodError' }));
  });

  it('runs oninitialized for notifications/initialized, and parses one whose params carry _meta', async () => {
    const s = server();
    let initialized = 0;
    s.oninitialized = () => void initialized++;
    const handler = (s as unknown as Notifications)._notificationHandlers.get('notifications/initialized')!;
    await handler({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await handler({ jsonrpc: '2.0', method: 'notifications/initialized', params: {} });
    expect(initialized).toBe(2);
    expect(() => handler({ jsonrpc: '2.0', method: 'notifications/initialized', params: { _meta: 5 } })).toThrow(expect.objectContaining({ name: 'ZodError' }));
    expect(initialized).toBe(2);
  });

  it('hands checked notifications and responses to the protocol without onmessage', async () => {
    const s = server();
    const transport = new StreamableHttpTransport('s');
    await s.connect(transport);
    const entry = protocolMessageEntry(s)!;
    let initialized = 0;
    s.oninitialized = () => void initialized++;
    const errors: Error[] = [];
    s.onerror = (error) => void errors.push(error);
    entry({ jsonrpc: '2.0', method: 'notifications/initialized' });
    // A response nobody waits for: the SDK reports it as unknown, as through onmessage.
    entry({ jsonrpc: '2.0', id: 99, result: {} });
    await new Promise((resolve) => setImmediate(resolve));
    expect(initialized).toBe(1);
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining('99')]);
    await s.close();
  });
});
