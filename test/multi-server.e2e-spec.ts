import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { McpModule, McpTool } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { MultiServerModule } from './fixtures/multi-server.js';

describe('several MCP servers in one app', () => {
  let app: INestApplication;

  beforeAll(async () => {
    ({ app } = await startApp({ imports: [MultiServerModule] }));
  });
  afterAll(() => app.close());

  const toolNames = async (path: string) => {
    const client = await createMcpClient(app, { path });
    const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
    const info = client.getServerVersion();
    await client.close();
    return { names, info };
  };

  it('serves each server its own tools, by decorator option', async () => {
    expect(await toolNames('/public/mcp')).toEqual({ names: ['invoice', 'ping', 'publicOnly'], info: { name: 'public', version: '1.0.0' } });
    expect(await toolNames('/admin/mcp')).toEqual({ names: ['adminOnly', 'invoice', 'ping'], info: { name: 'admin', version: '1.0.0' } });
  });

  it('serves only the providers of the include modules', async () => {
    expect((await toolNames('/billing/mcp')).names).toEqual(['invoice']);
  });

  it('keeps resources and prompts apart too', async () => {
    const admin = await createMcpClient(app, { path: '/admin/mcp' });
    expect((await admin.listResources()).resources.map((r) => r.uri)).toEqual(['admin://config']);
    expect((await admin.listPrompts()).prompts).toEqual([]);
    await admin.close();
    const pub = await createMcpClient(app, { path: '/public/mcp' });
    expect((await pub.listResources()).resources).toEqual([]);
    await expect(pub.readResource({ uri: 'admin://config' })).rejects.toMatchObject({ code: -32002 });
    await expect(pub.callTool({ name: 'adminOnly', arguments: {} })).rejects.toMatchObject({ code: -32602 });
    await pub.close();
  });
});

describe('start-up errors', () => {
  it('refuses two tools with one name in a server, naming both providers', async () => {
    @Injectable()
    class FirstTools {
      @McpTool({ name: 'same' })
      one() {
        return '1';
      }
    }
    @Injectable()
    class SecondTools {
      @McpTool({ name: 'same' })
      two() {
        return '2';
      }
    }
    @Module({ imports: [McpModule.forRoot({ name: 'dup', version: '1' })], providers: [FirstTools, SecondTools] })
    class DuplicateModule {}

    const moduleRef = await Test.createTestingModule({ imports: [DuplicateModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow('MCP server "dup" has two tools named "same": FirstTools.one and SecondTools.two');
    await app.close();
  });

  it('refuses a module without a server name', () => {
    expect(() => McpModule.forRoot({ name: '', version: '1' })).toThrow(/non-empty "name"/);
  });
});
