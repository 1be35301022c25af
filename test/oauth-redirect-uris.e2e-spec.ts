import type { INestApplication } from '@nestjs/common';
import { startOAuthApp } from './fixtures/oauth/oauth-app.js';

/** Adversarial review: what dynamic client registration must refuse as a redirect URI (OAuth 2.1 §2.3.1, RFC 8252 §8.3). */
describe('@nestmcp/oauth: redirect URIs a registration may name', () => {
  let app: INestApplication;
  let base: string;

  const register = (redirectUri: string) =>
    fetch(new URL('/oauth/register', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', client_name: 'review' }),
    });

  beforeAll(async () => {
    ({ app, base } = await startOAuthApp());
  });
  afterAll(() => app.close());

  it.each(['http://evil.example/callback', 'http://10.0.0.5/callback', 'javascript:alert(1)'])('refuses %s (neither https nor loopback)', async (uri) => {
    const response = await register(uri);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_redirect_uri' });
  });

  it.each(['https://client.example/callback', 'http://127.0.0.1:33418/callback', 'http://localhost/callback', 'http://[::1]:8080/cb'])('accepts %s', async (uri) => {
    const response = await register(uri);
    expect(response.status).toBe(201);
  });
});
