import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, type INestApplication, Module, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { McpModule, McpTool } from '@nestmcp/core';

@Controller('secure-notes')
class HttpsNotesController {
  @Get()
  @McpTool({ name: 'tls_list' })
  list(@Req() req: { headers: Record<string, string | undefined> }) {
    return { notes: ['over https'], host: req.headers.host ?? null };
  }
}

/** A self-signed certificate for 127.0.0.1, made by openssl for this run. */
function certificate(): { key: string; cert: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nestmcp-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), dir };
}

describe.each(['express', 'fastify'] as const)('route tools on an HTTPS app (%s)', (adapter) => {
  let app: INestApplication;
  let tls: ReturnType<typeof certificate>;
  let agent: Agent;

  beforeAll(async () => {
    tls = certificate();
    agent = new Agent({ connect: { ca: tls.cert } });
    @Module({ imports: [McpModule.forRoot({ name: 'tls', version: '1.0.0' })], controllers: [HttpsNotesController] })
    class HttpsModule {}
    const moduleRef = await Test.createTestingModule({ imports: [HttpsModule] }).compile();
    const httpsOptions = { key: tls.key, cert: tls.cert };
    app =
      adapter === 'fastify'
        ? moduleRef.createNestApplication(new FastifyAdapter({ https: httpsOptions }), { logger: false })
        : moduleRef.createNestApplication({ httpsOptions, logger: false });
    await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await agent?.close();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  it('calls the route through the HTTPS server (no TLS handshake on the in-process connection)', async () => {
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    expect(base.startsWith('https://')).toBe(true);
    const client = new Client({ name: 'tls-test', version: '1.0.0' });
    const fetchOverTls = ((url: string | URL, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', base), { fetch: fetchOverTls }));
    const result = (await client.callTool({ name: 'tls_list', arguments: {} })) as { structuredContent?: unknown; isError?: boolean };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ notes: ['over https'], host: new URL(base).host });
    await client.close();
  });
});
