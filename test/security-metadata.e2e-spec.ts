import { Injectable, VersioningType, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { McpModule, McpTool, StaticTokenVerifier, type McpModuleOptions } from '@nestmcp/core';
import { INITIALIZE, bearer, post } from './fixtures/auth/http.js';
import { PLATFORMS, type Platform } from './fixtures/hardening-app.js';

/**
 * Issue 11 points 1 and 9: the RFC 9728 metadata names the path the MCP endpoint is served at (versions and
 * prefixes included), a 401 for a request without credentials has no `error=` (RFC 6750 section 3.1), and the
 * bare well-known URL is served only for a resource at the root (RFC 9728 section 3.3).
 */
const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const verifier = new StaticTokenVerifier({ 'good-token': { subject: 'alice' } });

@Injectable()
class PrivateTools {
  @McpTool({ description: 'Needs a token' })
  ping() {
    return 'pong';
  }
}

async function start(platform: Platform, servers: Partial<McpModuleOptions>[], configure?: (app: INestApplication) => void) {
  const moduleRef = await Test.createTestingModule({
    imports: servers.map((options, index) => McpModule.forRoot({ name: `server-${index}`, version: '1.0.0', auth: { verifier }, ...options })),
    providers: [PrivateTools],
  }).compile();
  const app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  return { app, url: (path: string) => new URL(path, base.replace('[::1]', '127.0.0.1')).href };
}

function challenge(response: Response): string {
  return response.headers.get('www-authenticate') ?? '';
}

function metadataUrlOf(response: Response): string {
  return /resource_metadata="([^"]+)"/.exec(challenge(response))![1];
}

describe.each(PLATFORMS)('protected resource metadata of the served route (%s)', (platform) => {
  describe('URI versioning with two versions under a global prefix', () => {
    let app: INestApplication;
    let url: (path: string) => string;
    beforeAll(async () => {
      ({ app, url } = await start(platform, [{}], (nest) => {
        nest.setGlobalPrefix('api');
        nest.enableVersioning({ type: VersioningType.URI, defaultVersion: ['1', '2'] });
      }));
    });
    afterAll(() => app.close());

    it.each(['/api/v1/mcp', '/api/v2/mcp'])('names %s in the challenge and in the document it points to', async (path) => {
      const response = await post(url(path), INITIALIZE);
      expect(response.status).toBe(401);
      expect(metadataUrlOf(response)).toBe(url(`${WELL_KNOWN}${path}`));
      const document = (await (await fetch(metadataUrlOf(response))).json()) as { resource: string };
      expect(document.resource).toBe(url(path));
    });

    it('does not serve the unversioned paths the gate used to compute', async () => {
      expect((await fetch(url(`${WELL_KNOWN}/api/mcp`))).status).toBe(404);
    });

    it('leaves error= out of the challenge for a request without credentials, not for a bad token', async () => {
      const anonymous = await post(url('/api/v1/mcp'), INITIALIZE);
      expect(anonymous.status).toBe(401);
      expect(challenge(anonymous)).toMatch(/^Bearer resource_metadata="/);
      expect(challenge(anonymous)).not.toContain('error=');
      const badToken = await post(url('/api/v1/mcp'), INITIALIZE, bearer('bad-token'));
      expect(badToken.status).toBe(401);
      expect(challenge(badToken)).toContain('error="invalid_token"');
      const good = await post(url('/api/v1/mcp'), INITIALIZE, bearer('good-token'));
      expect(good.status).toBe(200);
    });

    it('serves no document at the bare well-known URL: it would describe the root resource', async () => {
      expect((await fetch(url(WELL_KNOWN))).status).toBe(404);
    });
  });

  describe('several protected servers', () => {
    let app: INestApplication;
    let url: (path: string) => string;
    beforeAll(async () => {
      ({ app, url } = await start(platform, [
        { transports: { streamableHttp: { path: '/a/mcp' } } },
        { transports: { streamableHttp: { path: '/b/mcp' } } },
      ]));
    });
    afterAll(() => app.close());

    it('keeps each its own path-inserted document, and none at the root', async () => {
      for (const path of ['/a/mcp', '/b/mcp']) {
        const document = (await (await fetch(url(`${WELL_KNOWN}${path}`))).json()) as { resource: string };
        expect(document.resource).toBe(url(path));
      }
      expect((await fetch(url(WELL_KNOWN))).status).toBe(404);
    });
  });

  describe('a server whose resource is the root', () => {
    let app: INestApplication;
    let url: (path: string) => string;
    beforeAll(async () => {
      ({ app, url } = await start(platform, [{ transports: { streamableHttp: { path: '/mcp' } }, auth: { verifier, resource: 'https://mcp.example.com' } }]));
    });
    afterAll(() => app.close());

    it('serves the bare well-known URL, describing that root resource', async () => {
      const document = (await (await fetch(url(WELL_KNOWN))).json()) as { resource: string };
      expect(document.resource).toBe('https://mcp.example.com');
      const response = await post(url('/mcp'), INITIALIZE);
      expect(metadataUrlOf(response)).toBe(`https://mcp.example.com${WELL_KNOWN}`);
    });
  });
});
