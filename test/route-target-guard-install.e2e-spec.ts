import { Controller, Get, Injectable, type INestApplication, type Type } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { McpModule, McpTool } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';

@Injectable()
class PlainTools {
  @McpTool({ description: 'echo' })
  echo() {
    return 'echo';
  }
}

@Controller('notes')
class NotesController {
  @Get(':id')
  @McpTool({ name: 'get_note', server: 'b' })
  get() {
    return { ok: true };
  }
}

@Controller('plain')
class PlainController {
  @Get()
  get() {
    return { ok: true };
  }
}

const ourGuards = (app: INestApplication) => app.get(ApplicationConfig).getGlobalGuards().filter((guard) => guard.constructor.name === 'McpRouteTargetGuard');

async function appWith(controllers: Type<unknown>[], servers: string[]) {
  return startApp({
    imports: servers.map((name) => McpModule.forRoot({ name, version: '1.0.0', transports: { streamableHttp: { path: `/${name}/mcp` } } })),
    controllers,
    providers: [PlainTools],
  });
}

// The guard that keeps a route tool's in-process request on its own route is a global guard: every route of the app
// runs it. An app that makes no tools of its routes must not carry it (one guard step less on every request, MCP
// route included); an app that does gets it once, whatever the number of servers.
describe('the route-target guard is installed only for route tools', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is not among the global guards of an app without route tools', async () => {
    const started = await appWith([PlainController], ['a', 'b']);
    app = started.app;
    expect(ourGuards(app)).toHaveLength(0);
    const client = await createMcpClient(app, { path: '/a/mcp' });
    expect((await client.callTool({ name: 'echo', arguments: {} })).content).toEqual([{ type: 'text', text: 'echo' }]);
    await client.close();
  });

  it('is among them once when one of two servers makes a tool of a route, and the route tool works', async () => {
    const started = await appWith([PlainController, NotesController], ['a', 'b']);
    app = started.app;
    expect(ourGuards(app)).toHaveLength(1);
    const client = await createMcpClient(app, { path: '/b/mcp' });
    const result = (await client.callTool({ name: 'get_note', arguments: { id: '7' } })) as { structuredContent?: unknown; content: unknown };
    expect(result.structuredContent ?? result.content).toMatchObject(result.structuredContent ? { ok: true } : [{ type: 'text' }]);
    await client.close();
  });
});
