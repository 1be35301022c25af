import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ApplicationConfig } from '@nestjs/core';
import { McpRegistry } from '../registry/mcp-registry.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpOperations } from '../operations/mcp-operations.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { McpDispatcher } from './mcp-dispatcher.js';
import { LazyMap } from './protocol-server-state.js';

type Internals = Record<string, unknown>;

/** The SDK servers the dispatcher makes hold per session only what a session uses (issue 18, idle memory). */
describe('protocol server state', () => {
  const options = { name: 'unit', version: '0.0.1' };
  const registry = new McpRegistry(options);
  const resolved = new McpResolvedOptions(options);
  const dispatcher = new McpDispatcher(new McpOperations(registry, resolved, new McpAuthenticator(resolved, registry, new ApplicationConfig())), resolved);

  async function connected(id: string): Promise<{ server: Server; client: Client; received: unknown[] }> {
    const { server } = dispatcher.createServer(id);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'c', version: '1' });
    const received: unknown[] = [];
    client.fallbackNotificationHandler = async (notification) => void received.push(notification);
    await client.connect(clientSide);
    return { server, client, received };
  }

  it('shares what no session changes and makes the tables of server-to-client requests on first use', async () => {
    const a = await connected('a');
    const b = await connected('b');
    const [ia, ib] = [a.server as unknown as Internals, b.server as unknown as Internals];
    for (const field of ['LOG_LEVEL_SEVERITY', '_loggingLevels', 'isMessageIgnored', '_pendingDebouncedNotifications']) {
      expect({ field, shared: ia[field] === ib[field] }).toEqual({ field, shared: true });
    }
    expect(ia._responseHandlers).toBeInstanceOf(LazyMap);
    expect(ia._responseHandlers).not.toBe(ib._responseHandlers);
    // A request of the server to the client fills its own tables only, and is answered.
    await expect(a.server.ping()).resolves.toEqual({});
    expect((ia._responseHandlers as Map<unknown, unknown>).size).toBe(0);
    expect((ib._responseHandlers as Map<unknown, unknown>).size).toBe(0);
    // Log messages still go out (the level filter is the session state's).
    await a.server.sendLoggingMessage({ level: 'info', data: 'hello' }, 'a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.received).toEqual([{ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'hello' } }]);
    expect(b.received).toEqual([]);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('refuses a write to a shared table instead of sharing it between sessions', () => {
    const { server } = dispatcher.createServer('c');
    expect(() => ((server as unknown as Internals)._loggingLevels as Map<string, string>).set('c', 'debug')).toThrow(/shares between sessions/);
  });

  it('LazyMap behaves as a Map', () => {
    const map = new LazyMap<string, number>();
    expect([map.size, map.get('x'), map.has('x'), map.delete('x'), [...map], [...map.values()]]).toEqual([0, undefined, false, false, [], []]);
    map.set('x', 1).set('y', 2);
    expect([map.size, map.get('x'), map.has('y'), [...map.keys()], [...map.entries()]]).toEqual([2, 1, true, ['x', 'y'], [['x', 1], ['y', 2]]]);
    const seen: [string, number][] = [];
    map.forEach((value, key, self) => self === map && seen.push([key, value]));
    expect(seen).toEqual([['x', 1], ['y', 2]]);
    expect(map.delete('x')).toBe(true);
    map.clear();
    expect(map.size).toBe(0);
    expect(Object.prototype.toString.call(map)).toBe('[object Map]');
  });
});
