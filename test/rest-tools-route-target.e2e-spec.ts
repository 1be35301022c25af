import { request } from 'node:http';
import { Readable } from 'node:stream';
import { Controller, Get, type INestApplication, Module, Param, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { McpModule, McpTool } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

/** Handlers that are no tools record here when they run: the tool calls below must never get one of them to run. */
const reached: string[] = [];

/** Bound to a host, on the same paths as the tool's route, and NOT opted in. */
@Controller({ path: 'notes', host: 'admin.example.com' })
class AdminNotesController {
  @Get(':id')
  get(@Param('id') id: string) {
    reached.push(`admin ${id}`);
    return { id, admin: true };
  }
}

/** A static route that the tool's `:id` route would match with `id: "export"`; NOT opted in. */
@Controller('notes')
class ExportController {
  @Get('export')
  export() {
    reached.push('export');
    return { everything: true };
  }
}

@Controller('notes')
class NotesController {
  @Get(':id')
  @McpTool({ name: 'get_note' })
  get(@Param('id') id: string, @Req() req: { hostname: string }) {
    return { id, hostname: req.hostname };
  }
}

/** Opted in and bound to a host: its tool reaches it whatever host the MCP endpoint is called on. */
@Controller({ path: 'tenant', host: 'tenant.example.com' })
class TenantController {
  @Get('info')
  @McpTool({ name: 'tenant_info' })
  info(@Req() req: { hostname: string }) {
    return { hostname: req.hostname };
  }
}

/**
 * A fetch that sends the Host it is given (Node's fetch sends the URL's): for the SDK client's transport and for
 * REST requests of a client that reached this server under another name.
 */
function fetchWithHost(host: string): typeof fetch {
  return (input, init) =>
    new Promise((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init?.headers).entries());
      const outgoing = request(new URL(String(input)), { method: init?.method ?? 'GET', headers: { ...headers, host }, signal: init?.signal ?? undefined }, (res) => {
        const status = res.statusCode ?? 500;
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const item of [value ?? []].flat()) responseHeaders.append(name, item);
        const body = status === 202 || status === 204 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        if (!body) res.resume();
        resolve(new Response(body, { status, headers: responseHeaders }));
      });
      outgoing.on('error', reject);
      outgoing.end(typeof init?.body === 'string' ? init.body : undefined);
    });
}

// The in-process request of a tool reaches the tool's route and nothing else: a Host that a host-bound controller
// matches, or a path argument equal to another route's static segment, makes Nest route it to a handler that was never
// opted in; that handler must not run, and the tool call fails.
describe.each(['express', 'fastify'] as const)('route tools: only the tool\'s own route is reached (%s)', (adapter) => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    @Module({
      imports: [McpModule.forRoot({ name: 'target', version: '1.0.0', allowedHosts: ['*'] })],
      // Registered first, so Express tries them first. (Fastify refuses two routes of one path and method, host-bound
      // or not: there the host cannot shadow a route.)
      controllers: [...(adapter === 'express' ? [AdminNotesController] : []), ExportController, NotesController, TenantController],
    })
    class TargetModule {}
    const moduleRef = await Test.createTestingModule({ imports: [TargetModule] }).compile();
    app = adapter === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => app?.close());
  beforeEach(() => void (reached.length = 0));

  it('serves the tool from its route', async () => {
    const client = await createMcpClient(app);
    expect(((await client.callTool({ name: 'get_note', arguments: { id: '7' } })) as ToolResult).structuredContent).toMatchObject({ id: '7' });
    await client.close();
  });

  // Express only: Fastify refuses two routes of one path and method, so there a host cannot shadow a route.
  if (adapter === 'express') it('never reaches a host-bound controller that was not opted in, whatever Host the MCP caller sends', async () => {
    // REST with that Host does reach it: the in-process request would too, had it the caller's Host and no check.
    const rest = await fetchWithHost('admin.example.com')(`${base}/notes/7`);
    expect(await rest.json()).toEqual({ id: '7', admin: true });
    reached.length = 0;
    const client = new Client({ name: 'host-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', base), { fetch: fetchWithHost('admin.example.com') }));
    const result = (await client.callTool({ name: 'get_note', arguments: { id: '7' } })) as ToolResult;
    expect(reached).toEqual([]);
    expect(result.structuredContent).toBeUndefined();
    expect(result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('GET /notes/{id}') }] });
    await client.close();
  });

  it('never reaches another route that a path argument spells', async () => {
    const client = await createMcpClient(app);
    const result = (await client.callTool({ name: 'get_note', arguments: { id: 'export' } })) as ToolResult;
    expect(reached).toEqual([]);
    expect(result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('another handler') }] });
    await client.close();
  });

  it('calls a host-bound route that was opted in with its own host', async () => {
    const client = await createMcpClient(app);
    expect(((await client.callTool({ name: 'tenant_info', arguments: {} })) as ToolResult).structuredContent).toEqual({ hostname: 'tenant.example.com' });
    await client.close();
  });
});
