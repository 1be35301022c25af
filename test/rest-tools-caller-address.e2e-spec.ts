import { type CanActivate, Controller, type ExecutionContext, ForbiddenException, Get, type INestApplication, Injectable, Module, Req, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { McpModule, McpTool } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

/** What Express's `req` and Fastify's `request` both have. */
type AnyRequest = { ip: string; protocol: string; hostname: string; socket: { remoteAddress?: string } };

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** An IP allowlist as apps put on internal routes: only clients on this host (`req.ip`, so behind `trust proxy`). */
@Injectable()
class LocalOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { ip } = context.switchToHttp().getRequest<AnyRequest>();
    if (!LOOPBACK.has(ip)) throw new ForbiddenException(`Not for ${ip}`);
    return true;
  }
}

@Controller('address')
class AddressController {
  @Get('whoami')
  @McpTool({ name: 'whoami' })
  whoami(@Req() req: AnyRequest) {
    return { ip: req.ip, protocol: req.protocol, hostname: req.hostname, remoteAddress: req.socket.remoteAddress ?? null };
  }

  @Get('internal')
  @McpTool({ name: 'internal_report' })
  @UseGuards(LocalOnlyGuard)
  internal() {
    return { internal: true };
  }
}

// Behind a proxy (`trust proxy`), the route computes the client's address from the connection and the X-Forwarded-*
// headers: the in-process request must carry both as the MCP request had them, or an IP guard would see this process
// (a loopback address) and let every caller through.
describe.each(['express', 'fastify'] as const)("route tools: the caller's address behind a trusted proxy (%s)", (adapter) => {
  let app: INestApplication;
  let base: string;
  const proxied = { 'x-forwarded-for': '198.51.100.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };

  beforeAll(async () => {
    @Module({ imports: [McpModule.forRoot({ name: 'address', version: '1.0.0' })], controllers: [AddressController], providers: [LocalOnlyGuard] })
    class AddressModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AddressModule] }).compile();
    // The test's requests come from 127.0.0.1, the trusted proxy.
    if (adapter === 'fastify') app = moduleRef.createNestApplication(new FastifyAdapter({ trustProxy: 'loopback' }), { logger: false });
    else {
      const express = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
      express.set('trust proxy', 'loopback');
      app = express;
    }
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => app?.close());

  it('shows the route the address, protocol and host a REST request of the same client shows it', async () => {
    const client = await createMcpClient(app, { headers: proxied });
    const tool = (await client.callTool({ name: 'whoami', arguments: {} })) as ToolResult;
    const rest = await (await fetch(`${base}/address/whoami`, { headers: proxied })).json();
    expect(rest).toMatchObject({ ip: '198.51.100.9', protocol: 'https', hostname: 'api.example.com' });
    expect(tool.structuredContent).toEqual(rest);
    await client.close();
  });

  it("refuses a proxied caller on an IP-allowlisted route, as REST does, and lets this host's own caller in", async () => {
    const outside = await createMcpClient(app, { headers: proxied });
    expect(await outside.callTool({ name: 'internal_report', arguments: {} })).toMatchObject({ isError: true, content: [{ text: 'Not for 198.51.100.9' }] });
    expect((await fetch(`${base}/address/internal`, { headers: proxied })).status).toBe(403);
    await outside.close();
    const local = await createMcpClient(app);
    expect(((await local.callTool({ name: 'internal_report', arguments: {} })) as ToolResult).structuredContent).toEqual({ internal: true });
    await local.close();
  });
});
