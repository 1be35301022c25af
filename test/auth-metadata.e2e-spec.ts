import type { INestApplication } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { McpModule, type McpModuleOptions } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, SECRET, signToken } from './fixtures/auth/tokens.js';
import { INITIALIZE, bearer, post } from './fixtures/auth/http.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const jwt = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE };

async function metadata(url: URL, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/json');
  return (await response.json()) as Record<string, unknown>;
}

function challengeMetadataUrl(response: Response): string {
  return /resource_metadata="([^"]+)"/.exec(response.headers.get('www-authenticate') ?? '')![1];
}

/** Point 3 of issue 4: RFC 9728 metadata, at the root and path-inserted, behind a global prefix and a proxy. */
describe('protected resource metadata (RFC 9728)', () => {
  describe('an app with a global prefix', () => {
    let app: INestApplication;
    let url: (path?: string) => URL;

    beforeAll(async () => {
      ({ app, url } = await startApp(
        {
          imports: [
            McpModule.forRoot({
              name: 'secure',
              version: '1.0.0',
              auth: { jwt, authorizationServers: [ISSUER], resourceName: 'Secure notes', resourceDocumentation: 'https://docs.test/mcp' },
            }),
          ],
          providers: [SecureTools],
        },
        (app) => {
          app.setGlobalPrefix('api');
        },
      ));
    });
    afterAll(() => app.close());

    it('serves the path-inserted metadata at the root, with the prefix in the path and the resource', async () => {
      const document = await metadata(url(`${WELL_KNOWN}/api/mcp`));
      expect(document).toEqual({
        resource: url('/api/mcp').href,
        authorization_servers: [ISSUER],
        scopes_supported: ['admin', 'notes:read', 'notes:write', 'reports:read'],
        bearer_methods_supported: ['header'],
        resource_name: 'Secure notes',
        resource_documentation: 'https://docs.test/mcp',
      });
      // The bare well-known URL would describe the root resource (RFC 9728 §3.3), and this one is /api/mcp.
      expect((await fetch(url(WELL_KNOWN))).status).toBe(404);
      expect((await fetch(url(`/api${WELL_KNOWN}/api/mcp`))).status).toBe(404);
    });

    it('points the challenge to where the metadata is served', async () => {
      const response = await post(url('/api/mcp'), INITIALIZE);
      expect(response.status).toBe(401);
      expect(challengeMetadataUrl(response)).toBe(url(`${WELL_KNOWN}/api/mcp`).href);
      expect((await fetch(challengeMetadataUrl(response))).status).toBe(200);
    });

    it('ignores X-Forwarded-* when the app does not trust the proxy', async () => {
      const document = await metadata(url(`${WELL_KNOWN}/api/mcp`), { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.test' });
      expect(document.resource).toBe(url('/api/mcp').href);
    });
  });

  describe('an MCP path excluded from the global prefix', () => {
    let app: INestApplication;
    let url: (path?: string) => URL;

    beforeAll(async () => {
      ({ app, url } = await startApp(
        { imports: [McpModule.forRoot({ name: 'secure', version: '1.0.0', auth: { jwt } })], providers: [SecureTools] },
        (app) => {
          app.setGlobalPrefix('api', { exclude: ['mcp'] });
        },
      ));
    });
    afterAll(() => app.close());

    it('leaves the prefix out of the resource and the metadata path', async () => {
      const response = await post(url('/mcp'), INITIALIZE);
      expect(response.status).toBe(401);
      expect(challengeMetadataUrl(response)).toBe(url(`${WELL_KNOWN}/mcp`).href);
      expect((await metadata(url(`${WELL_KNOWN}/mcp`))).resource).toBe(url('/mcp').href);
    });
  });

  describe.each(['express', 'fastify'] as const)('behind a trusted proxy (%s)', (platform) => {
    let app: INestApplication;
    let base: string;

    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [McpModule.forRoot({ name: 'secure', version: '1.0.0', auth: { jwt } })],
        providers: [SecureTools],
      }).compile();
      if (platform === 'fastify') {
        app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ trustProxy: true }), { logger: ['error'] });
      } else {
        app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
        (app as NestExpressApplication).set('trust proxy', true);
      }
      app.setGlobalPrefix('v1');
      await app.listen(0, '127.0.0.1');
      base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    });
    afterAll(() => app.close());

    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'mcp.example.com' };

    it('builds the resource and the challenge from X-Forwarded-Proto / X-Forwarded-Host', async () => {
      const document = await metadata(new URL(`${WELL_KNOWN}/v1/mcp`, base), forwarded);
      expect(document.resource).toBe('https://mcp.example.com/v1/mcp');
      const response = await post(new URL('/v1/mcp', base), INITIALIZE, forwarded);
      expect(response.status).toBe(401);
      // No credentials: no error code (RFC 6750 §3.1).
      expect(response.headers.get('www-authenticate')).not.toContain('error=');
      expect(challengeMetadataUrl(response)).toBe(`https://mcp.example.com${WELL_KNOWN}/v1/mcp`);
      expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    });

    it('serves the SDK client with a bearer token', async () => {
      const client = await createMcpClient(app, { path: '/v1/mcp', headers: bearer(await signToken({ scope: 'notes:read' })) });
      expect((await client.callTool({ name: 'read_notes' })).content).toEqual([{ type: 'text', text: 'notes' }]);
      await client.close();
    });
  });

  describe('a canonical resource URL and forRootAsync with ConfigService', () => {
    let app: INestApplication;
    let url: (path?: string) => URL;

    beforeAll(async () => {
      const config = () => ({
        mcp: {
          name: 'configured',
          version: '2.0.0',
          auth: {
            jwt: { secret: SECRET, issuer: ISSUER, audience: 'https://public.example.com/tools/mcp' },
            authorizationServers: ['https://login.example.com'],
            resource: 'https://public.example.com/tools/mcp',
            requiredScopes: ['mcp'],
            scopesSupported: ['mcp', 'notes:read'],
          },
        } satisfies McpModuleOptions,
      });
      ({ app, url } = await startApp({
        imports: [
          ConfigModule.forRoot({ load: [config], ignoreEnvFile: true }),
          McpModule.forRootAsync({
            imports: [ConfigModule],
            inject: [ConfigService],
            useFactory: (configService: ConfigService) => configService.getOrThrow<McpModuleOptions>('mcp'),
          }),
        ],
        providers: [SecureTools],
      }));
    });
    afterAll(() => app.close());

    it('takes every auth option from the factory', async () => {
      const refused = await post(url(), INITIALIZE);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('scope="mcp"');
      expect(challengeMetadataUrl(refused)).toBe(`https://public.example.com${WELL_KNOWN}/tools/mcp`);

      const token = await signToken({ aud: 'https://public.example.com/tools/mcp', scope: 'mcp' });
      const client = await createMcpClient(app, { headers: bearer(token) });
      expect(client.getServerVersion()).toMatchObject({ name: 'configured', version: '2.0.0' });
      await client.close();
      const withoutScope = await post(url(), INITIALIZE, bearer(await signToken({ aud: 'https://public.example.com/tools/mcp' })));
      expect(withoutScope.status).toBe(403);
    });

    it('serves the canonical resource at its own path-inserted path and at the local one', async () => {
      const expected = {
        resource: 'https://public.example.com/tools/mcp',
        authorization_servers: ['https://login.example.com'],
        scopes_supported: ['mcp', 'notes:read'],
        bearer_methods_supported: ['header'],
      };
      expect(await metadata(url(`${WELL_KNOWN}/tools/mcp`))).toEqual(expected);
      expect(await metadata(url(`${WELL_KNOWN}/mcp`))).toEqual(expected);
    });
  });
});
