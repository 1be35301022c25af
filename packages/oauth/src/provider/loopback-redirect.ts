/** `http://127.0.0.1:<port>/path`, `http://[::1]:<port>/path` or `http://localhost:<port>/path`, without the port; else undefined. */
function withoutLoopbackPort(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url || url.protocol !== 'http:') return undefined;
  if (!['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)) return undefined;
  url.port = '';
  return url.href;
}

/**
 * RFC 8252 §7.3: a native app's loopback redirect URI matches whatever port the app listens on at the time. oidc-
 * provider applies it to clients registered as `application_type: native`; MCP clients (Claude Code, VS Code,
 * mcp-remote) register as public clients (`token_endpoint_auth_method: none`) with loopback redirect URIs and the
 * default `web` type, and pick a new port per run. So a public client's loopback URIs match on any port here;
 * every other URI, and every confidential client, is matched exactly.
 */
export function loopbackRedirectAllowed(uri: string, registered: readonly string[]): boolean {
  const wanted = withoutLoopbackPort(uri);
  return wanted !== undefined && registered.some((candidate) => withoutLoopbackPort(candidate) === wanted);
}
