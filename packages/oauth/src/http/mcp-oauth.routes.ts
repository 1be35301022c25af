import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpOAuthMessages } from '../mcp-oauth.messages.js';
import { McpOAuthServer, STORE_RETRY_AFTER_SECONDS } from '../provider/mcp-oauth-server.js';
import { isStoreOutage } from '../provider/oidc-store-adapter.js';
import { McpOAuthInteractions } from '../interaction/mcp-oauth-interactions.js';
import { PAGES_CSS } from '../pages/html.js';
import { FixedWindowCounter, addressOf } from '../limits/fixed-window-counter.js';
import { asNativeWhenItIsOne } from './native-client-registration.js';
import { jsonBody, RefusedBody } from './json-body.js';
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

/**
 * Mounts the authorization server on the app's HTTP adapter, at the origin's root (the issuer is the origin, and
 * well-known URLs live at the root, RFC 8615), outside Nest's router, global prefix and guards (like the MCP
 * servers' protected resource metadata): the metadata at both well-known URLs, oidc-provider's endpoints under
 * the prefix, the login and consent pages, and the pages' stylesheet. Anything else goes on to the app.
 */
@Injectable()
export class McpOAuthRoutes implements OnModuleInit {
  private readonly logger = new Logger('McpOAuth');
  private readonly rateLimit: FixedWindowCounter;

  constructor(
    private readonly server: McpOAuthServer,
    private readonly interactions: McpOAuthInteractions,
    private readonly upstream: McpOAuthUpstreamLogin,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const limit = server.options.registration?.rateLimit ?? { max: 20, windowMs: 60_000 };
    this.rateLimit = new FixedWindowCounter(limit.max, limit.windowMs);
  }

  /**
   * Express: a middleware in front of the app's routes (after its body parser). Fastify: an `onRequest` hook that
   * takes over (`reply.hijack()`) the requests that are the authorization server's, before Fastify reads their body.
   */
  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) return;
    const type = adapter.getType();
    if (type === 'express') {
      adapter.use((request: IncomingMessage, response: ServerResponse, next: Next) => (this.owns(request) ? this.serve(request, response) : next()));
    } else if (type === 'fastify') {
      type Hooked = { raw: IncomingMessage };
      type Reply = { raw: ServerResponse; hijack(): void };
      const fastify = adapter.getInstance<{ addHook(name: 'onRequest', hook: (request: Hooked, reply: Reply, done: () => void) => void): void }>();
      fastify.addHook('onRequest', (request, reply, done) => {
        if (!this.owns(request.raw)) return done();
        reply.hijack();
        this.serve(request.raw, reply.raw);
      });
    } else {
      throw new Error(McpOAuthMessages.unsupportedAdapter(type));
    }
    this.logger.log(`Authorization server ${this.server.issuer} (metadata ${OAUTH_METADATA_PATH}, endpoints under ${this.server.prefix})`);
  }

  /** Whether a request is the authorization server's: its metadata, or anything under its prefix. */
  private owns(request: IncomingMessage): boolean {
    const path = pathOf(request);
    if (path === OAUTH_METADATA_PATH || path === OPENID_METADATA_PATH) return true;
    if (!path.startsWith(`${this.server.prefix}/`)) return false;
    return path !== `${this.server.prefix}/upstream/callback` || this.upstream.enabled;
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    this.route(request, response).catch((error: unknown) => {
      if (error instanceof RefusedBody && !response.headersSent) {
        response.writeHead(error.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(JSON.stringify({ error: 'invalid_request', error_description: error.description }));
        return;
      }
      if (isStoreOutage(error) && !response.headersSent) {
        // A store away (Redis down or hanging) while a sign-in page needed it: 503 and retry, as the endpoints answer.
        this.logger.warn(`${McpOAuthMessages.storeUnavailable()} (${(error as Error).cause ?? error})`);
        response.setHeader('retry-after', String(STORE_RETRY_AFTER_SECONDS));
        this.interactions.message(response, 503, McpOAuthMessages.storeUnavailable());
        return;
      }
      this.logger.error(error);
      if (!response.headersSent) this.interactions.message(response, 500, 'The authorization server failed; try again.');
      else response.destroy();
    });
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = pathOf(request);
    const prefix = this.server.prefix;
    if (path === OAUTH_METADATA_PATH || path === OPENID_METADATA_PATH) {
      request.url = OPENID_METADATA_PATH;
      return this.server.handle(request, response);
    }
    const rest = path.slice(prefix.length + 1);
    if (rest.startsWith('interaction/')) return this.interactions.handle(request, response, rest.slice('interaction/'.length));
    if (rest === 'upstream/callback' && request.method === 'GET') {
      if (!(await this.upstream.callback(request, response))) this.interactions.message(response, 400, McpOAuthMessages.interactionGone());
      return;
    }
    if (rest === 'assets/pages.css' && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }).end(PAGES_CSS);
      return;
    }
    // The registration endpoint as oidc-provider's router matches it: case-insensitively, with a trailing slash or
    // not (`/oauth/Register/` registers too, and must be counted and adjusted like `/oauth/register`).
    const registration = request.method === 'POST' && /^register\/?$/i.test(rest);
    if (registration && !this.rateLimit.take(addressOf(request))) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(this.rateLimit.retryAfter(addressOf(request))) });
      response.end(JSON.stringify({ error: 'too_many_requests', error_description: McpOAuthMessages.registrationRateLimited() }));
      return;
    }
    if (registration) asNativeWhenItIsOne(await jsonBody(request));
    return this.server.handle(request, response);
  }
}
