import type { INestApplication } from '@nestjs/common';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { McpModule } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, signToken } from './fixtures/auth/tokens.js';
import { JwksServer, generateSigningKey, type SigningKey } from './fixtures/auth/jwks-server.js';
import { INITIALIZE, bearer, post } from './fixtures/auth/http.js';

/** Point 1/8 of issue 4: JWTs from an identity provider's JWKS (RS256 and ES256), with key rotation. */
describe('JWT verification with a JWKS endpoint', () => {
  const jwks = new JwksServer();
  let app: INestApplication;
  let url: (path?: string) => URL;
  let rsa: SigningKey;
  let ec: SigningKey;

  const sign = (key: SigningKey, options: Parameters<typeof signToken>[0] = {}) =>
    signToken({ key: key.privateKey, alg: key.alg, kid: key.kid, ...options });

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([generateSigningKey('RS256', 'rsa-1'), generateSigningKey('ES256', 'ec-1')]);
    jwks.keys = [rsa, ec];
    const jwksUri = await jwks.start();
    ({ app, url } = await startApp({
      // Cooldown 0: a token with a new kid fetches the key set at once (the default waits 30 s between fetches).
      imports: [McpModule.forRoot({ name: 'idp', version: '1.0.0', auth: { jwt: { jwksUri, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 } } })],
      providers: [SecureTools],
    }));
  });
  afterAll(async () => {
    await app.close();
    await jwks.stop();
  });

  it('accepts RS256 and ES256 tokens signed with published keys, through the SDK client', async () => {
    for (const key of [rsa, ec]) {
      const client = await createMcpClient(app, { headers: bearer(await sign(key, { sub: `user-${key.kid}` })) });
      const result = await client.callTool({ name: 'whoami' });
      expect(result.structuredContent).toMatchObject({ subject: `user-${key.kid}`, issuer: ISSUER });
      await client.close();
    }
  });

  it('caches the key set instead of fetching it for every token', async () => {
    const before = jwks.fetches;
    for (let i = 0; i < 3; i++) {
      const response = await post(url(), INITIALIZE, bearer(await sign(rsa)));
      expect(response.status).toBe(200);
      await response.text();
    }
    expect(jwks.fetches).toBe(before);
  });

  it('refuses a token signed by a key the JWKS does not publish, even with a known kid', async () => {
    const stranger = await generateSigningKey('RS256', 'rsa-1');
    expect((await post(url(), INITIALIZE, bearer(await sign(stranger)))).status).toBe(401);
    const unknownKid = await generateSigningKey('ES256', 'who-knows');
    expect((await post(url(), INITIALIZE, bearer(await sign(unknownKid)))).status).toBe(401);
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const publicPem = createPublicKey({ key: rsa.jwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    const forged = await signToken({ key: new TextEncoder().encode(publicPem), alg: 'HS256', kid: rsa.kid });
    const response = await post(url(), INITIALIZE, bearer(forged));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('picks up rotated keys without a restart, and drops retired ones', async () => {
    const next = await generateSigningKey('RS256', 'rsa-2');
    const before = jwks.fetches;
    jwks.keys = [next, ec];

    const client = await createMcpClient(app, { headers: bearer(await sign(next, { sub: 'rotated' })) });
    expect((await client.callTool({ name: 'whoami' })).structuredContent).toMatchObject({ subject: 'rotated' });
    await client.close();
    expect(jwks.fetches).toBeGreaterThan(before);

    // The refreshed key set no longer has rsa-1.
    expect((await post(url(), INITIALIZE, bearer(await sign(rsa)))).status).toBe(401);
  });
});

describe('JWT verification when the JWKS endpoint is unreachable', () => {
  it('answers 503 with Retry-After, not 401 (the token may be good: the client keeps it and retries)', async () => {
    const gone = new JwksServer();
    const jwksUri = await gone.start();
    await gone.stop();
    const { app, url } = await startApp({
      imports: [McpModule.forRoot({ name: 'idp-down', version: '1.0.0', auth: { jwt: { jwksUri, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 } } })],
      providers: [SecureTools],
    });
    try {
      const key = await generateSigningKey('ES256', 'ec-1');
      const response = await post(url(), INITIALIZE, bearer(await signToken({ key: key.privateKey, alg: key.alg, kid: key.kid })));
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(await response.text()).toContain('cannot be checked right now');
    } finally {
      await app.close();
    }
  });
});
