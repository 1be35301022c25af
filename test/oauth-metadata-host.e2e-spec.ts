import type { INestApplication } from '@nestjs/common';
import { request } from 'node:http';
import { startOAuthApp } from './fixtures/oauth/oauth-app.js';

/** GET with a chosen Host header (fetch does not let a caller set it). */
function getWithHost(url: URL, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body));
    }).on('error', reject).end();
  });
}

/** Adversarial review: the metadata's endpoints are the issuer's, whatever Host a request names (a shared cache must not be poisoned). */
describe('@nestmcp/oauth: metadata endpoints and the Host header', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await startOAuthApp());
  });
  afterAll(() => app.close());

  it('names endpoints on the issuer, not on a forged Host', async () => {
    const metadata = JSON.parse(await getWithHost(new URL('/.well-known/oauth-authorization-server', base), 'evil.example')) as Record<string, string>;
    for (const key of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'jwks_uri', 'revocation_endpoint']) {
      expect(metadata[key]?.startsWith(`${metadata.issuer}/`)).toBe(true);
    }
  });
});
