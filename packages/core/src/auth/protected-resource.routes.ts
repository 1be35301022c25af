import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { McpAuthenticator } from './mcp-authenticator.js';

/** Paths already served per HTTP adapter, so that two servers never register the same route twice. */
const servedPaths = new WeakMap<object, Set<string>>();

/**
 * Serves the OAuth 2.0 Protected Resource Metadata (RFC 9728) of a server with auth, at the root of the app:
 * `/.well-known/oauth-protected-resource` + each path the MCP endpoint is served at, as the framework
 * registered it (the path-inserted form MCP clients try, e.g. `/.well-known/oauth-protected-resource/api/v1/mcp`
 * behind global prefix `api` and URI version 1). The bare well-known path only describes a resource at the root
 * (RFC 9728 §3.3), so it is served only for one. Well-known URLs live at the origin's root (RFC 8615), so these
 * routes are registered on the HTTP adapter directly, outside the global prefix. The document is built per
 * request: its `resource` follows the request's scheme and host (X-Forwarded-* when the app trusts the proxy)
 * unless `auth.resource` fixes it.
 */
@Injectable()
export class ProtectedResourceRoutes implements OnModuleInit {
  private readonly logger = new Logger('McpAuth');

  constructor(
    private readonly authenticator: McpAuthenticator,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!this.authenticator.enabled || !adapter) return;
    let served = servedPaths.get(adapter);
    if (!served) servedPaths.set(adapter, (served = new Set()));
    for (const { path, resourcePath } of this.authenticator.metadataRoutes()) {
      if (served.has(path)) continue;
      served.add(path);
      adapter.get(path, (request: unknown, response: unknown) => {
        adapter.setHeader(response, 'access-control-allow-origin', '*');
        adapter.setHeader(response, 'cache-control', 'no-store');
        adapter.reply(response, this.authenticator.metadata(request, resourcePath), 200);
      });
      this.logger.debug(`Protected resource metadata of "${this.authenticator.serverName}" at ${path}`);
    }
  }
}
