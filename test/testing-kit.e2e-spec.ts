import 'reflect-metadata';
import type { Client as ClientV2 } from '@modelcontextprotocol/client';
import { Test, type TestingModule } from '@nestjs/testing';
import { McpModule } from '@nestmcp/core';
import { createMcpTestClient, McpToolCallError, type McpTestClient } from '@nestmcp/core/testing';
import { AllowHeaderGuard, GreetingService, KitTools, RequestLabel, ScopedTools } from './fixtures/testing-kit/kit.tools.js';

function kitModule(): Promise<TestingModule> {
  return Test.createTestingModule({
    imports: [McpModule.forRoot({ name: 'kit', version: '1.0.0' })],
    providers: [GreetingService, RequestLabel, AllowHeaderGuard, KitTools, ScopedTools],
  }).compile();
}

describe('createMcpTestClient, in memory (a TestingModule, no port)', () => {
  let moduleRef: TestingModule;
  let mcp: McpTestClient;

  beforeAll(async () => {
    moduleRef = await kitModule();
    await moduleRef.init();
    mcp = await createMcpTestClient(moduleRef, { headers: { 'x-tenant': 'acme', 'accept-language': 'fr' } });
  });
  afterAll(async () => {
    await mcp.close();
    await moduleRef.close();
  });

  it('callTool() resolves to the structured content, else the text; rejects with the tool error text', async () => {
    expect(await mcp.callTool('add', { a: 2, b: 3 })).toEqual({ sum: 5 });
    expect(await mcp.callTool('greet', { name: 'Ada' })).toBe('Hello, Ada');
    await expect(mcp.callTool('fail')).rejects.toThrow(McpToolCallError);
    await expect(mcp.callTool('fail')).rejects.toThrow('it broke');
    // Validation runs as over HTTP: a wrong argument is a tool error naming it.
    await expect(mcp.callTool('add', { a: 'x', b: 1 })).rejects.toThrow(/a/);
    await expect(mcp.callTool('nope')).rejects.toThrow(/nope/);
  });

  it('listTools(), readResource(), getPrompt(), complete()', async () => {
    const names = (await mcp.listTools()).map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['add', 'greet', 'whoami', 'request_label']));
    expect((await mcp.readResource('kit://greeting/Grace')).contents).toEqual([{ uri: 'kit://greeting/Grace', mimeType: 'text/plain', text: 'Hello, Grace' }]);
    const prompt = await mcp.getPrompt('review', { text: 'my essay' });
    expect(prompt.messages[0].content).toEqual({ type: 'text', text: 'Please review: my essay' });
    expect((await mcp.complete({ type: 'ref/resource', uri: 'kit://greeting/{name}' }, { name: 'name', value: 'a' })).values).toEqual(['ada', 'alan']);
  });

  it('the fake HTTP request carries the headers: getHttpHeaders(), getHttpRequest(), no token', async () => {
    const seen = JSON.parse(await mcp.callTool<string>('whoami')) as { headers: Record<string, string>; method: string; url: string; subject: string | null };
    expect(seen.headers).toEqual({ 'x-tenant': 'acme', 'accept-language': 'fr' });
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/mcp');
    expect(seen.subject).toBeNull();
  });

  it('a guard on the tool refuses in memory as over HTTP, and lets through with the header', async () => {
    await expect(mcp.callTool('guarded')).rejects.toThrow('x-allow: yes is needed');
    const allowed = await createMcpTestClient(moduleRef, { headers: { 'x-allow': 'yes' } });
    expect(await allowed.callTool('guarded')).toBe('let through');
    await allowed.close();
  });

  it('request-scoped providers are made per message, from the fake request', async () => {
    const first = (await mcp.callTool('request_label')) as string;
    const second = (await mcp.callTool('request_label')) as string;
    expect(first).toMatch(/^acme#\d+$/);
    expect(second).toMatch(/^acme#\d+$/);
    expect(second).not.toBe(first);
  });

  it('progress and log messages reach the client', async () => {
    const progress: number[] = [];
    const logs: unknown[] = [];
    const { LoggingMessageNotificationSchema } = await import('@modelcontextprotocol/sdk/types.js');
    mcp.client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void logs.push(notification.params.data));
    const result = await mcp.client.callTool({ name: 'work', arguments: { steps: 3 } }, undefined, { onprogress: (p) => void progress.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: 'did 3' }]);
    expect(progress).toEqual([1, 2, 3]);
    expect(logs).toEqual(['step 1', 'step 2', 'step 3']);
  });

  it('2025: onElicit and onSample answer the server-to-client requests', async () => {
    const asked: string[] = [];
    const client = await createMcpTestClient(moduleRef, {
      onElicit: (params) => {
        asked.push(params.message);
        return { action: 'accept', content: { sure: true } };
      },
      onSample: () => ({ role: 'assistant', model: 'test', content: { type: 'text', text: 'old pond, a frog' } }),
    });
    expect(await client.callTool('confirm')).toBe('confirmed');
    expect(asked).toEqual(['Sure?']);
    expect(await client.callTool('haiku')).toBe('old pond, a frog');
    await client.close();
  });
});

describe('createMcpTestClient, overrideProvider()', () => {
  it('the tool runs on the overridden static provider', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'kit', version: '1.0.0' })],
      providers: [GreetingService, RequestLabel, AllowHeaderGuard, KitTools, ScopedTools],
    })
      .overrideProvider(GreetingService)
      .useValue({ greet: (name: string) => `Bonjour, ${name}` })
      .compile();
    await moduleRef.init();
    const mcp = await createMcpTestClient(moduleRef);
    expect(await mcp.callTool('greet', { name: 'Ada' })).toBe('Bonjour, Ada');
    await mcp.close();
    await moduleRef.close();
  });

  it('the tool runs on the overridden request-scoped provider', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'kit', version: '1.0.0' })],
      providers: [GreetingService, RequestLabel, AllowHeaderGuard, KitTools, ScopedTools],
    })
      .overrideProvider(RequestLabel)
      .useFactory({ factory: () => ({ label: () => 'overridden' }) })
      .compile();
    await moduleRef.init();
    const mcp = await createMcpTestClient(moduleRef);
    expect(await mcp.callTool('request_label')).toBe('overridden');
    await mcp.close();
    await moduleRef.close();
  });
});

describe('createMcpTestClient, 2026-07-28 (the SDK v2 client)', () => {
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await kitModule();
    await moduleRef.init();
  });
  afterAll(() => moduleRef.close());

  it('in memory: every helper', async () => {
    const mcp = await createMcpTestClient<ClientV2>(moduleRef, { protocolVersion: '2026-07-28', headers: { 'x-tenant': 'modern' } });
    expect(mcp.client.getNegotiatedProtocolVersion?.()).toBe('2026-07-28');
    expect(await mcp.callTool('add', { a: 1, b: 2 })).toEqual({ sum: 3 });
    await expect(mcp.callTool('fail')).rejects.toThrow('it broke');
    expect((await mcp.listTools()).map((tool) => tool.name)).toContain('greet');
    expect((await mcp.readResource('kit://greeting/Ada')).contents[0]).toMatchObject({ text: 'Hello, Ada' });
    expect((await mcp.getPrompt('review', { text: 't' })).messages[0].content).toEqual({ type: 'text', text: 'Please review: t' });
    expect((await mcp.complete({ type: 'ref/resource', uri: 'kit://greeting/{name}' }, { name: 'name', value: 'g' })).values).toEqual(['grace']);
    expect(JSON.parse(await mcp.callTool<string>('whoami')).headers).toEqual({ 'x-tenant': 'modern' });
    expect(await mcp.callTool('request_label')).toMatch(/^modern#\d+$/);
    await mcp.close();
  });

  it('in memory: onElicit and onSample answer the multi-round-trip input requests', async () => {
    const asked: string[] = [];
    const mcp = await createMcpTestClient(moduleRef, {
      protocolVersion: '2026-07-28',
      onElicit: (params) => {
        asked.push(params.message);
        return { action: 'accept', content: { sure: true } };
      },
      onSample: () => ({ role: 'assistant', model: 'test', content: { type: 'text', text: 'autumn moon' } }),
    });
    expect(await mcp.callTool('confirm')).toBe('confirmed');
    expect(asked).toEqual(['Sure?']);
    expect(await mcp.callTool('haiku')).toBe('autumn moon');
    await mcp.close();
  });
});
