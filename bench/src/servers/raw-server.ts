import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { Request, Response } from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod/v4';
import { FILLER_DESCRIPTION, fillerName, type ServerConfig } from './server-config.js';

/**
 * The raw SDK, written the way its own examples do (examples/server/simpleStreamableHttp.ts,
 * jsonResponseStreamableHttp.ts, simpleStatelessStreamableHttp.ts): createMcpExpressApp(), an McpServer with
 * every tool registered by getServer(), one StreamableHTTPServerTransport per session (stateful) or a new server
 * and transport per request (stateless).
 */
function getServer(config: ServerConfig): McpServer {
  const server = new McpServer({ name: 'bench', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  for (let i = 0; i < config.fillers; i++) {
    server.registerTool(
      fillerName(i),
      { description: FILLER_DESCRIPTION, inputSchema: { q: z.string(), limit: z.number().optional() } },
      async ({ q }) => ({ content: [{ type: 'text', text: q }] }),
    );
  }
  return server;
}

function jsonRpcError(res: Response, status: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

export async function startRawServer(config: ServerConfig): Promise<{ port: number; close: () => Promise<void> }> {
  const app = createMcpExpressApp();

  if (config.stateless) {
    app.post('/mcp', async (req: Request, res: Response) => {
      const server = getServer(config);
      try {
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: config.json });
        await server.connect(transport);
        await transport.handleRequest(req, res, req.body);
        res.on('close', () => {
          void transport.close();
          void server.close();
        });
      } catch {
        if (!res.headersSent) res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
      }
    });
  } else {
    const transports = new Map<string, StreamableHTTPServerTransport>();
    app.post('/mcp', async (req: Request, res: Response) => {
      const sessionId = req.headers['mcp-session-id'] as string | undefined;
      let transport = sessionId ? transports.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId) return jsonRpcError(res, 404, 'Session not found');
        if (!isInitializeRequest(req.body)) return jsonRpcError(res, 400, 'Bad Request: No valid session ID provided');
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: config.json,
          onsessioninitialized: (id) => void transports.set(id, created),
        });
        created.onclose = () => {
          if (created.sessionId) transports.delete(created.sessionId);
        };
        await getServer(config).connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, req.body);
    });
    const handleSessionRequest = async (req: Request, res: Response) => {
      const sessionId = req.headers['mcp-session-id'] as string | undefined;
      const transport = sessionId ? transports.get(sessionId) : undefined;
      if (!transport) return jsonRpcError(res, 400, 'Invalid or missing session ID');
      await transport.handleRequest(req, res);
    };
    app.get('/mcp', handleSessionRequest);
    app.delete('/mcp', handleSessionRequest);
  }

  const http = await new Promise<HttpServer>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
}
