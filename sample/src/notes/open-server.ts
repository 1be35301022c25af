import { McpModule } from '@nestmcp/core';
import type { McpRedisStores } from '@nestmcp/redis';
import { REDIS_URL, scaleOutOptions, storesInject } from '../scale-out/sample-stores.js';

/**
 * The open MCP server (no auth), one module object imported by the app and by NotesModule, whose service tells
 * this server's subscribers when the note index changes. Its stores are in Redis when REDIS_URL is set.
 */
export const OpenMcpServer = McpModule.forRootAsync({
  // Scaled out, streams are resumable: a client whose replica went away resumes on another with Last-Event-ID.
  transports: { streamableHttp: { path: '/mcp', ...(REDIS_URL && { resumability: { retryMs: 500 } }) }, sse: { path: '/sse', messagesPath: '/messages' }, stdio: true },
  useFactory: (stores?: McpRedisStores) => ({
    name: 'nestmcp-sample',
    version: '0.1.0',
    instructions: 'A small notes service. Search notes, read them as resources, create new ones.',
    // The REST routes marked @McpTool() (NotesController) are tools too; their calls carry the caller's
    // Authorization to the route, whose guard decides as it does for REST.
    routes: { forwardHeaders: ['authorization'] },
    ...scaleOutOptions(stores),
  }),
  inject: storesInject,
});
