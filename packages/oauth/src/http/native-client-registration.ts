/**
 * A registration as a native app (RFC 8252) when it is one but does not say so: a public client
 * (`token_endpoint_auth_method: none`) that registers a private-use scheme redirect URI, like Cursor's
 * `cursor://anysphere.cursor-mcp/oauth/callback`, and no `application_type`. RFC 7591 defaults the type to `web`,
 * whose redirect URIs oidc-provider (rightly) limits to http(s), so such a client could not register at all. As a
 * native client its other URIs keep the native rules: http only on loopback (any port), https not on loopback.
 */
export function asNativeWhenItIsOne(body: unknown): void {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  const metadata = body as Record<string, unknown>;
  if (metadata.application_type !== undefined || metadata.token_endpoint_auth_method !== 'none' || !Array.isArray(metadata.redirect_uris)) return;
  const privateUse = metadata.redirect_uris.some((uri) => typeof uri === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^https?:/i.test(uri));
  if (privateUse) metadata.application_type = 'native';
}
