import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpOAuthMessages } from '../mcp-oauth.messages.js';
import { McpOAuthServer } from '../provider/mcp-oauth-server.js';
import { McpOAuthInteractions } from '../interaction/mcp-oauth-interactions.js';
import { PAGES_CSS } from '../pages/html.js';
import { RegistrationRateLimit } from './registration-rate-limit.js';
import { asNativeWhenItIsOne } from './native-client-registration.js';
import { McpOAuthUpstreamLogin } from '../upstream/mcp-oauth-upstream-login.js';

/** RFC 8414 metadata URL; oidc-provider serves the same document at the OpenID Connect Discovery URL. */
const OAUTH_METADATA_PATH = '/.well-known/oauth-authorization-server';
const OPENID_METADATA_PATH = '/.well-known/openid-configuration';

type Next = (error?: unknown) => void;

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function addressOf(request: IncomingMessage): string {
  return (request as { ip?: string }).ip ?? request.socket.remoteAddress ?? 'unknown';
}

/**
 * Mounts the authorization server on the app's HTTP adapter, at the origin's root (the issuer is the origin, and
 * well-known URLs live at the root, RFC 8615), outside Nest's router, global prefix and guards (like the MCP
 * servers' protected resource metadata): the metadata at both well-known URLs, oidc-provider's endpoints under
 * the prefix, the login and consent pages, and the pages' stylesheet. Anything else goes on to the app.
 */
@Injectable()
export class McpOAuthRoutes implements OnModuleInit {
  private readonly logger = new Logger('McpOAuth');
  private readonly rateLimit: RegistrationRateLimit;

  constructor(
    private readonly server: McpOAuthServer,
    private readonly interactions: McpOAuthInteractions,
    private readonly upstream: McpOAuthUpstreamLogin,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const limit = server.options.registration?.rateLimit ?? { max: 20, windowMs: 60_000 };
    this.rateLimit = new RegistrationRateLimit(limit.max, limit.windowMs);
  }

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) return;
    if (adapter.getType() !== 'express') throw new Error(McpOAuthMessages.notExpress());
    adapter.use((request: IncomingMessage, response: ServerResponse, next: Next) => {
      this.route(request, response, next).catch((error: unknown) => {
        this.logger.error(error);
        if (!response.headersSent) this.interactions.message(response, 500, 'The authorization server failed; try again.');
        else response.destroy();
      });
    });
    this.logger.log(`Authorization server ${this.server.issuer} (metadata ${OAUTH_METADATA_PATH}, endpoints under ${this.server.prefix})`);
  }

  private async route(request: IncomingMessage, response: ServerResponse, next: Next): Promise<void> {
    const path = pathOf(request);
    const prefix = this.server.prefix;
    if (path === OAUTH_METADATA_PATH || path === OPENID_METADATA_PATH) {
      request.url = OPENID_METADATA_PATH;
      return this.server.handle(request, response);
    }
    if (!path.startsWith(`${prefix}/`)) return next();
    const rest = path.slice(prefix.length + 1);
    if (rest.startsWith('interaction/')) return this.interactions.handle(request, response, rest.slice('interaction/'.length));
    if (rest === 'upstream/callback' && request.method === 'GET' && this.upstream.enabled) {
      if (!(await this.upstream.callback(request, response))) this.interactions.message(response, 400, McpOAuthMessages.interactionGone());
      return;
    }
    if (rest === 'assets/pages.css' && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }).end(PAGES_CSS);
      return;
    }
    if (rest === 'register' && request.method === 'POST' && !this.rateLimit.take(addressOf(request))) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(this.rateLimit.retryAfter(addressOf(request))) });
      response.end(JSON.stringify({ error: 'too_many_requests', error_description: McpOAuthMessages.registrationRateLimited() }));
      return;
    }
    // The app's body parser has read the registration already (oidc-provider then takes req.body).
    if (rest === 'register' && request.method === 'POST') asNativeWhenItIsOne((request as { body?: unknown }).body);
    return this.server.handle(request, response);
  }
}
