import { Controller, Get, type INestApplication, Module, Query, Req, VersioningType } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { McpModule, McpTool, RequireScopes, StaticTokenVerifier, type McpModuleOptions } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, any>; isError?: boolean };

class SearchQuery {
  @IsString()
  text!: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  limit?: number;
}

@Controller({ path: 'reports', version: '3' })
class ReportsController {
  @Get('who')
  who(@Req() req: { headers: Record<string, string | undefined> }) {
    return { authorization: req.headers.authorization ?? null, version: req.headers['x-api-version'] ?? null };
  }

  @Get('search')
  search(@Query() query: SearchQuery) {
    return { text: query.text, limit: query.limit ?? null };
  }

  @Get('internal')
  internal() {
    return { internal: true };
  }

  @Get('write')
  @McpTool({ name: 'reports_write' })
  @RequireScopes('reports:write')
  write() {
    return { wrote: true };
  }
}

async function start(adapter: 'express' | 'fastify', options: Partial<McpModuleOptions>, configure: (app: INestApplication) => void) {
  @Module({ imports: [McpModule.forRoot({ name: 'reports', version: '1.0.0', ...options })], controllers: [ReportsController] })
  class ReportsModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ReportsModule] }).compile();
  const app = adapter === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
  configure(app);
  await app.listen(0, '127.0.0.1');
  return { app, base: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

describe.each(['express', 'fastify'] as const)('route tools: options, versioning and auth (%s)', (adapter) => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await start(
      adapter,
      {
        auth: { verifier: new StaticTokenVerifier({ 'tok-a': { subject: 'alice', scopes: ['reports:read'] }, 'tok-w': { subject: 'wes', scopes: ['reports:write'] } }) },
        routes: {
          include: [ReportsController],
          map: (operation) => (operation.name === 'reports_internal' ? false : operation.name === 'reports_who' ? { ...operation, name: 'whoami', description: 'Who the API sees' } : operation),
        },
      },
      (nest) => nest.enableVersioning({ type: VersioningType.HEADER, header: 'X-Api-Version' }),
    ));
  });
  afterAll(() => app?.close());

  it('renames and drops generated tools with map, and hides a route tool from callers without its scope', async () => {
    const reader = await createMcpClient(app, { headers: { authorization: 'Bearer tok-a' } });
    const tools = (await reader.listTools()).tools;
    expect(tools.map((tool) => tool.name).sort()).toEqual(['reports_search', 'whoami']);
    expect(tools.find((tool) => tool.name === 'whoami')?.description).toBe('Who the API sees');
    await reader.close();
    const writer = await createMcpClient(app, { headers: { authorization: 'Bearer tok-w' } });
    expect((await writer.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['reports_search', 'reports_write', 'whoami']);
    expect(((await writer.callTool({ name: 'reports_write', arguments: {} })) as ToolResult).structuredContent).toEqual({ wrote: true });
    await writer.close();
  });

  it("forwards the caller's Authorization by default on a protected server, and sends the version header the route needs", async () => {
    expect((await fetch(`${base}/reports/who`)).status).toBe(404); // header versioning: no version, no route
    const client = await createMcpClient(app, { headers: { authorization: 'Bearer tok-a' } });
    const who = (await client.callTool({ name: 'whoami', arguments: {} })) as ToolResult;
    expect(who.structuredContent).toEqual({ authorization: 'Bearer tok-a', version: '3' });
    await client.close();
  });

  it('makes query arguments of a @Query() DTO, sent as REST sends them', async () => {
    const client = await createMcpClient(app, { headers: { authorization: 'Bearer tok-a' } });
    const tool = (await client.listTools()).tools.find((candidate) => candidate.name === 'reports_search')!;
    expect(tool.inputSchema).toMatchObject({ properties: { text: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 20 } }, required: ['text'] });
    const found = (await client.callTool({ name: 'reports_search', arguments: { text: 'a b&c', limit: 5 } })) as ToolResult;
    const rest = await (await fetch(`${base}/reports/search?text=a+b%26c&limit=5`, { headers: { 'x-api-version': '3' } })).json();
    expect(found.structuredContent).toEqual(rest);
    expect(rest).toEqual({ text: 'a b&c', limit: '5' });
    await client.close();
  });
});
