import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { checkOrigin, isLoopbackAddress, type OriginPolicy } from './origin.js';
import { McpCors } from './mcp-cors.js';
import { readJsonBody } from './mcp-body-parser.js';
import { isJsonContentType, sendEmpty } from '../http/http-exchange.js';
import { sendJsonRpcError } from '../http/mcp-rejection.js';
import { resolveMcpLimits, type ResolvedMcpLimits } from '../options/mcp-limits.js';
import { resolveSseOptions, resolveStreamableHttpOptions } from '../options/transport-options.js';

/** Route config key marking the Fastify routes of an MCP server (set by the controller, read by the gate). */
export const MCP_FASTIFY_ROUTE_KEY = 'nestmcpRoute';
/** Where @nestjs/platform-fastify reads a route's `config` (its `@RouteConfig()` metadata key). */
export const FASTIFY_ROUTE_CONFIG_METADATA = '__fastify_route_config__';

const SERVER_ERROR = -32000;

type Decision =
  | { kind: 'pass' }
  | { kind: 'preflight'; headers: OutgoingHttpHeaders }
  | { kind: 'reject'; status: number; code: number; message: string; headers?: OutgoingHttpHeaders };

type Next = (error?: unknown) => void;
interface ExpressLike {
  use(fn: (req: IncomingMessage, res: ServerResponse, next: Next) => void): void;
  router?: { stack?: { handle?: { name?: string } }[] };
}
interface FastifyRouteOptions {
  config?: Record<string, unknown>;
  bodyLimit?: number;
  onRequest?: unknown;
  errorHandler?: unknown;
}
interface FastifyRequestLike {
  raw: IncomingMessage;
  server: { errorHandler: (this: unknown, error: unknown, request: unknown, reply: unknown) => unknown };
}
interface FastifyReplyLike {
  raw: ServerResponse;
  sent: boolean;
  code(status: number): FastifyReplyLike;
  headers(values: OutgoingHttpHeaders): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}
interface FastifyLike {
  addHook(name: 'onRoute', hook: (route: FastifyRouteOptions) => void): void;
}

/**
 * What every request to the MCP routes passes first, at the HTTP-framework level, before the app's body
 * parser, Nest middleware and guards: the Host/Origin check (403), CORS (preflight answered here), and the
 * MCP routes' own body limit and JSON parsing (413, 400 -32700), all as JSON-RPC error bodies.
 *
 * Express: a middleware placed before Nest's body parsers (which skip a body already read). Fastify: an
 * `onRoute` hook gives the MCP routes their `bodyLimit`, an `onRequest` hook and an error handler for
 * body errors. Installed by `McpModule.configure()`, i.e. after the app's parsers, before its routes.
 */
@Injectable()
export class McpHttpGate {
  private readonly logger = new Logger('McpHttp');
  private readonly policy: OriginPolicy;
  private readonly cors?: McpCors;
  readonly limits: ResolvedMcpLimits;
  private readonly declaredPaths: string[];
  private fullPaths?: Set<string>;
  private loopbackServer?: boolean;
  private installed = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    @Inject(MCP_MODULE_OPTIONS) options: McpModuleOptions,
  ) {
    this.policy = { allowedOrigins: options.allowedOrigins, allowedHosts: options.allowedHosts, trustProxy: options.trustProxy ?? false };
    this.cors = McpCors.from(options.cors);
    this.limits = resolveMcpLimits(options.limits);
    const streamable = resolveStreamableHttpOptions(options.transports);
    const sse = resolveSseOptions(options.transports);
    this.declaredPaths = [streamable?.path, sse?.path, sse?.messagesPath].filter((path): path is string => path !== undefined);
  }

  /** Hooks the gate into the HTTP framework. Idempotent; a no-op without an HTTP adapter. */
  install(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter || this.installed || this.declaredPaths.length === 0) return;
    this.installed = true;
    if (adapter.getType() === 'fastify') this.installFastify(adapter.getInstance<FastifyLike>());
    else this.installExpress(adapter.getInstance<ExpressLike>());
  }

  /** Checks Host and Origin and applies CORS. Sets CORS headers on `res`; says whether to go on. */
  admit(req: IncomingMessage, res: ServerResponse): Decision {
    const verdict = checkOrigin(req, this.policy, this.isLoopbackServer());
    if (!verdict.ok) return { kind: 'reject', status: 403, code: SERVER_ERROR, message: verdict.message };
    if (this.cors && verdict.origin) {
      if (McpCors.isPreflight(req)) return { kind: 'preflight', headers: this.cors.preflightHeaders(verdict.origin) };
      for (const [name, value] of Object.entries(this.cors.headers(verdict.origin))) res.setHeader(name, value!);
    }
    return { kind: 'pass' };
  }

  private installExpress(app: ExpressLike): void {
    const mcpGate = (req: IncomingMessage, res: ServerResponse, next: Next) => this.express(req, res, next);
    app.use(mcpGate);
    // Nest registered its body parsers when the app initialized, before modules are configured: move the gate
    // in front of them so the MCP routes' bodies are read here (the parsers skip a body already read).
    const stack = app.router?.stack;
    if (!stack) return;
    const own = stack.findIndex((layer) => layer.handle === mcpGate);
    const parser = stack.findIndex((layer) => /^(json|urlencoded|text|raw)Parser$/.test(layer.handle?.name ?? ''));
    if (parser >= 0 && parser < own) stack.splice(parser, 0, ...stack.splice(own, 1));
  }

  private express(req: IncomingMessage, res: ServerResponse, next: Next): void {
    if (!this.matches(req)) return next();
    const decision = this.admit(req, res);
    if (decision.kind === 'reject') return sendJsonRpcError(res, decision.status, decision.code, decision.message, decision.headers);
    if (decision.kind === 'preflight') return sendEmpty(res, 204, decision.headers);
    const request = req as IncomingMessage & { body?: unknown; _body?: boolean };
    if (req.method !== 'POST' || request._body || !isJsonContentType(req.headers['content-type'])) return next();
    void readJsonBody(req, this.limits.maxBodyBytes).then((outcome) => {
      if (!outcome.ok) {
        const headers = outcome.status === 413 ? { connection: 'close' } : {};
        return sendJsonRpcError(res, outcome.status, outcome.code, outcome.message, headers);
      }
      request.body = outcome.value;
      request._body = true;
      next();
    });
  }

  private installFastify(instance: FastifyLike): void {
    instance.addHook('onRoute', (route) => {
      const tag = route.config?.[MCP_FASTIFY_ROUTE_KEY];
      if (typeof tag !== 'string' || !this.declaredPaths.includes(tag)) return;
      route.bodyLimit = this.limits.maxBodyBytes;
      const onRequest = (request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => {
        const decision = this.admit(request.raw, reply.raw);
        if (decision.kind === 'pass') return done();
        if (decision.kind === 'preflight') return void reply.code(204).headers(decision.headers).send();
        reply.code(decision.status).headers({ ...decision.headers, 'content-type': 'application/json' });
        reply.send(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: decision.code, message: decision.message } }));
      };
      const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
      route.onRequest = [...existing, onRequest];
      route.errorHandler = (error: unknown, request: FastifyRequestLike, reply: FastifyReplyLike) =>
        this.fastifyError(error, request, reply);
    });
  }

  /** Body errors of Fastify's parser on the MCP routes, as JSON-RPC; anything else goes to the app's handler. */
  private fastifyError(error: unknown, request: FastifyRequestLike, reply: FastifyReplyLike): unknown {
    const { statusCode, code, message } = (error ?? {}) as { statusCode?: number; code?: string; message?: string };
    const isBodyError = typeof code === 'string' && code.startsWith('FST_ERR_CTP_');
    const forbiddenKey = statusCode === 400 && /prototype/i.test(message ?? '');
    if (!isBodyError && !forbiddenKey && !(error instanceof SyntaxError)) {
      return request.server.errorHandler.call(request.server, error, request, reply);
    }
    if (reply.sent || reply.raw.headersSent) return undefined;
    const [status, rpcCode, text] =
      statusCode === 413
        ? [413, -32600, McpMessages.bodyTooLarge(this.limits.maxBodyBytes)]
        : statusCode === 415
          ? [415, SERVER_ERROR, McpMessages.unsupportedMediaType()]
          : forbiddenKey
            ? [400, -32600, McpMessages.forbiddenJsonKey()]
            : [400, -32700, McpMessages.parseError()];
    reply.code(status).headers({ 'content-type': 'application/json', ...(status === 413 && { connection: 'close' }) });
    return reply.send(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: rpcCode, message: text } }));
  }

  /** Whether the request is for one of this server's MCP routes (global prefix included). */
  private matches(req: IncomingMessage): boolean {
    this.fullPaths ??= new Set(this.declaredPaths.map((path) => normalizePath(`${this.appConfig.getGlobalPrefix()}/${path}`)));
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    return this.fullPaths.has(normalizePath(query < 0 ? url : url.slice(0, query)));
  }

  /** Whether the app listens on a loopback address (known once it listens; a pipe counts as local). */
  private isLoopbackServer(): boolean {
    if (this.loopbackServer !== undefined) return this.loopbackServer;
    const address = this.adapterHost?.httpAdapter?.getHttpServer?.()?.address?.();
    if (!address) return false;
    this.loopbackServer = typeof address === 'string' || isLoopbackAddress(address.address);
    if (!this.loopbackServer && !this.policy.allowedHosts) {
      this.logger.warn(McpMessages.noHostCheck(typeof address === 'string' ? address : address.address));
    }
    return this.loopbackServer;
  }
}

function normalizePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // keep the raw path
  }
  const collapsed = `/${decoded}`.replace(/\/+/g, '/').toLowerCase();
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}
