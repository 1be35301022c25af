import type { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { McpChannels } from '../endpoint/mcp-channels.js';
import { McpTestingMessages } from './mcp-testing.messages.js';

/** Every MCP server of an app or testing module (one `McpChannels` per `McpModule.forRoot()`). */
export function mcpServersOf(app: INestApplicationContext): McpChannels[] {
  const found: McpChannels[] = [];
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    const instance = module.providers.get(McpChannels)?.instance;
    if (instance instanceof McpChannels && !found.includes(instance)) found.push(instance);
  }
  return found;
}

/** The MCP server named `server`, or the only one; a clear error otherwise. */
export function findMcpServer(app: INestApplicationContext, server: string | undefined, what: string): McpChannels {
  const servers = mcpServersOf(app);
  const names = servers.map((each) => each.serverName);
  if (server !== undefined) {
    const match = servers.find((each) => each.serverName === server);
    if (!match) throw new Error(McpTestingMessages.unknownServer(what, server, names));
    return match;
  }
  if (servers.length === 1) return servers[0];
  if (servers.length === 0) throw new Error(McpTestingMessages.noServer(what));
  throw new Error(McpTestingMessages.ambiguousServer(what, names));
}
