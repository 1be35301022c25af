import { Controller, Get, Headers, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiHeader } from '@nestjs/swagger';
import { McpModule, McpTool } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

@Controller('tenants')
class TenantsController {
  @Get('current')
  @McpTool({ name: 'current_tenant' })
  @ApiHeader({ name: 'x-tenant', required: false })
  current(@Headers('x-tenant') tenant?: string) {
    return { tenant: tenant ?? null };
  }
}

// A header argument Node cannot send (a character above U+00FF, a control character) is a tool error, and nothing
// fires later: the call's deadline timer must not outlive a request that was never made (it crashed the process).
describe('route tools: header arguments Node refuses to send', () => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({ imports: [McpModule.forRoot({ name: 'tenants', version: '1.0.0', routes: { timeoutMs: 200 } })], controllers: [TenantsController] })
    class TenantsModule {}
    const moduleRef = await Test.createTestingModule({ imports: [TenantsModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  it.each(['caf\u0101', 'a\u0001b'])('answers %j with a tool error, and the process carries on past the deadline', async (value) => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const client = await createMcpClient(app);
      const refused = (await client.callTool({ name: 'current_tenant', arguments: { 'x-tenant': value } })) as ToolResult;
      expect(refused.isError).toBe(true);
      // Past the 200 ms deadline of the call that was never sent.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(uncaught).toEqual([]);
      const served = (await client.callTool({ name: 'current_tenant', arguments: { 'x-tenant': 'acme' } })) as ToolResult;
      expect(served.structuredContent).toEqual({ tenant: 'acme' });
      await client.close();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
