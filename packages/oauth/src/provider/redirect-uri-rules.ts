import { errors } from 'oidc-provider';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * OAuth 2.1 §2.3.1 / RFC 8252 §8.3 (and MCP's authorization spec): a redirect URI is https, or http on a loopback
 * address. oidc-provider accepts any http URI for a `web` client, so a registered `http://evil.example/cb` would
 * carry codes in clear text; this check is run on every dynamically registered or metadata-document client
 * (oidc-provider calls it for `redirect_uris` through `extraClientMetadata`). Static clients (no request) are the
 * app's own choice and are not checked.
 */
export function checkRedirectUris(ctx: unknown, key: string, value: unknown): void {
  if (key !== 'redirect_uris' || !ctx || !Array.isArray(value)) return;
  for (const uri of value as string[]) {
    const url = URL.parse(uri);
    if (url?.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      throw new errors.InvalidRedirectUri('redirect_uris must be https, or http on a loopback address (127.0.0.1, [::1], localhost)');
    }
  }
}
