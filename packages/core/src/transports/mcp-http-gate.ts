import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { checkOrigin, isLoopbackAddress, type OriginPolicy } from './origin.js';
import { McpCors } from './mcp-cors.js';
import { isBodyRead, markBodyRead, readJsonBody, readJsonBodyThen, type BodyOutcome } from './mcp-body-parser.js';
import { isJsonContentType, sendEmpty } from '../http/http-exchange.js';
import { sendJsonRpcError } from '../http/mcp-rejection.js';
import type { ResolvedMcpLimits } from '../options/mcp-limits.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { answerAndLinger } from './lingering-close.js';
import { McpLifecycle } from '../lifecycle/mcp-lifecycle.js';
import { MCP_FASTIFY_ROUTE_KEY, McpServedRoutes, markServedRoute, servedRouteOf, type McpServedRoute } from '../http/mcp-served-routes.js';
import { useExpressRequestClasses } from '../http/express-request-classes.js';

export { FASTIFY_ROUTE_CONFIG_METADATA, MCP_FASTIFY_ROUTE_KEY } from '../http/mcp-served-routes.js';


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
  url?: string;
  method?: string | string[];
  config?: Record<string, unknown>;
  bodyLimit?: number;
  onRequest?: unknown;
  preParsing?: unknown;
  preValidation?: unknown;
  errorHandler?: unknown;
}
interface FastifyRequestLike {
  raw: IncomingMessage;
  body?: unknown;
  server: { errorHandler: (this: unknown, error: unknown, request: unknown, reply: unknown) => unknown };
}
interface FastifyReplyLike {
  raw: ServerResponse;
  sent: boolean;
  code(status: number): FastifyReplyLike;
  headers(values: OutgoingHttpHeaders): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
  hijack(): void;
}
interface FastifyLike {
  addHook(name: 'onRoute', hook: (route: FastifyRouteOptions) => void): void;
}

/** A body the gate refused (and answered). */
const NOT_READ = Symbol('nestmcp.notRead');
const PARSED_BODY = Symbol('nestmcp.parsedBody');

/** A body refused by the gate's own reader on Fastify, handed to the route's error handler. */
class McpBodyError extends Error {
  constructor(readonly outcome: Extract<BodyOutcome, { ok: false }>) {
    super(outcome.message);
  }
}

function hooksOf(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function errorBody(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } });
}

/**
 * What every request to the MCP routes passes first, before the app's body parser, Nest middleware and guards:
 * the Host/Origin check (403), CORS (preflight answered here), HEAD refused (405: a GET here opens a stream or
 * a session), and the MCP routes' own body limit and JSON parsing (413, 400 -32700), all as JSON-RPC errors.
 *
 * It is tied to the routes the framework serves, never to a path it computes (see McpServedRoutes):
 * - Express: a middleware moved in front of the app's body parsers asks the router's own layers whether the
 *   request goes to one of this server's routes, and only then checks it and reads its body (the parsers skip
 *   a body already read).
 * - Fastify: an `onRoute` hook gives the MCP routes (marked by their route config) their `bodyLimit`, an
 *   `onRequest` hook and an error handler for body errors.
 * - Both: the route itself checks that the gate saw the request (`admitInRoute`), and does the checks there if not.
 * Installed by `McpModule.configure()`, i.e. after the app's parsers, before its routes.
 */
@Injectable()
export class McpHttpGate {
  private readonly logger = new Logger('McpHttp');
  private readonly policy: OriginPolicy;
  private readonly cors?: McpCors;
  readonly limits: ResolvedMcpLimits;
  private readonly streamablePath?: string;
  private readonly expressRequestClasses: boolean;
  private loopbackServer?: boolean;
  private installed = false;
  private warnedLateGate = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: McpServedRoutes,
    private readonly lifecycle: McpLifecycle,
    resolved: McpResolvedOptions,
  ) {
    const options = resolved.module;
    this.policy = { allowedOrigins: options.allowedOrigins, allowedHosts: options.allowedHosts, trustProxy: options.trustProxy ?? false };
    this.cors = McpCors.from(options.cors, options.allowedOrigins);
    this.limits = resolved.limits;
    this.streamablePath = resolved.streamableHttp?.path;
    this.expressRequestClasses = options.expressRequestClasses !== false;
  }

  /** Hooks the gate into the HTTP framework. Idempotent; a no-op without an HTTP adapter. */
  install(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter || this.installed || this.routes.declared.length === 0) return;
    this.installed = true;
    if (adapter.getType() === 'fastify') this.installFastify(adapter.getInstance<FastifyLike>());
    else {
      if (this.expressRequestClasses) useExpressRequestClasses(adapter.getHttpServer(), adapter.getInstance());
      this.installExpress(adapter.getInstance<ExpressLike>());
    }
  }

  /** Checks Host and Origin and applies CORS. Sets CORS headers on `res`; says whether to go on. */
  admit(req: IncomingMessage, res: ServerResponse): Decision {
    const verdict = checkOrigin(req, this.policy, this.isLoopbackServer(req));
    if (!verdict.ok) {
      return verdict.status === 400
        ? { kind: 'reject', status: 400, code: McpErrorCode.InvalidRequest, message: verdict.message }
        : { kind: 'reject', status: 403, code: McpErrorCode.ServerError, message: verdict.message };
    }
    if (this.cors && verdict.origin) {
      if (McpCors.isPreflight(req)) return { kind: 'preflight', headers: this.cors.preflightHeaders(verdict.origin) };
      for (const [name, value] of Object.entries(this.cors.headers(verdict.origin))) res.setHeader(name, value!);
    }
    return { kind: 'pass' };
  }

  /**
   * Called by the MCP route itself before it serves a request: whether the gate has seen the request, and if not
   * (an app that reads bodies or routes in a way the gate did not foresee), the same checks, done here.
   * Resolves `false` when it has answered the request.
   */
  admitInRoute(request: unknown, reply: unknown, declared: string): boolean | Promise<boolean> {
    const req = ((request as { raw?: IncomingMessage }).raw ?? request) as IncomingMessage;
    if (servedRouteOf(req)) return true;
    return this.gateInRoute(request, reply, req, declared);
  }

  private async gateInRoute(request: unknown, reply: unknown, req: IncomingMessage, declared: string): Promise<boolean> {
    const res = ((reply as { raw?: ServerResponse }).raw ?? reply) as ServerResponse;
    if (!this.warnedLateGate) {
      this.warnedLateGate = true;
      this.logger.warn(McpMessages.gateInRoute(declared));
    }
    const path = (req as { route?: { path?: unknown } }).route?.path;
    const served = { declared, path: typeof path === 'string' ? path : declared };
    const parsed = (request as { body?: unknown }).body;
    if (parsed !== undefined) markBodyRead(req);
    const body = this.gateRequest(req, res, served);
    if (body === false) return false;
    if (body === undefined) return true;
    const value = this.bodyOf(req, res, await body);
    if (value === NOT_READ) return false;
    (request as { body?: unknown }).body = value;
    return true;
  }

  /**
   * Everything the gate does for a request known to be for `route`. `false`: it answered the request;
   * `undefined`: go on, no body is read here; a promise: the body being read here (`false` once it is refused).
   * Synchronous up to the body; the one promise is the body's, so what follows runs in the async context of the
   * middleware before the gate (an app's AsyncLocalStorage scope), as after a promise-based parser.
   */
  private gateRequest(req: IncomingMessage, res: ServerResponse, route: McpServedRoute): false | undefined | Promise<BodyOutcome> {
    markServedRoute(req, route);
    this.lifecycle.holdExchange(req, res);
    if (!this.answerHeaders(req, res, route)) return false;
    const request = req as IncomingMessage & Record<symbol, boolean> & { _body?: boolean; body?: unknown };
    if (req.method !== 'POST' || !isJsonContentType(req.headers['content-type'])) return undefined;
    // Read already (here, or by a parser in front of the gate): reading again would wait for an end that has passed.
    if (isBodyRead(req) || request._body || request.body !== undefined || req.readableEnded) return undefined;
    markBodyRead(req);
    const limit = this.limits.maxBodyBytes;
    return new Promise((resolve) => readJsonBodyThen(req, limit, resolve));
  }

  /** What the gate read: the body's value, or `NOT_READ` once a refusal is written. */
  private bodyOf(req: IncomingMessage, res: ServerResponse, outcome: BodyOutcome): unknown {
    if (outcome.ok) return outcome.value;
    this.refuseBody(req, res, outcome);
    return NOT_READ;
  }

  /** Host/Origin, CORS preflight and HEAD, for any method. Returns `false` when it has answered. */
  private answerHeaders(req: IncomingMessage, res: ServerResponse, route: McpServedRoute): boolean {
    const decision = this.admit(req, res);
    if (decision.kind === 'reject') {
      sendJsonRpcError(res, decision.status, decision.code, decision.message, decision.headers);
      return false;
    }
    if (decision.kind === 'preflight') {
      sendEmpty(res, 204, decision.headers);
      return false;
    }
    if (req.method === 'HEAD') {
      // A GET on these routes opens an SSE stream (and on the legacy transport a session): HEAD must not.
      sendEmpty(res, 405, { allow: route.declared === this.streamablePath ? 'GET, POST, DELETE, OPTIONS' : 'GET, OPTIONS' });
      return false;
    }
    return true;
  }

  /** A body that cannot be read: 413 (answered with a lingering close) or 400. */
  private refuseBody(req: IncomingMessage, res: ServerResponse, outcome: Extract<BodyOutcome, { ok: false }>): void {
    if (outcome.status === 413) {
      answerAndLinger(req, res, 413, { 'content-type': 'application/json' }, errorBody(outcome.code, outcome.message));
    } else {
      sendJsonRpcError(res, outcome.status, outcome.code, outcome.message);
    }
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
    // A CORS preflight is for the route of the method it asks about (an SSE path has no OPTIONS route of its own).
    const asked = McpCors.isPreflight(req) ? String(req.headers['access-control-request-method']).toUpperCase() : req.method ?? 'GET';
    const route = this.routes.matchExpress(req, asked);
    if (!route) return next();
    const body = this.gateRequest(req, res, route);
    if (body === false) return;
    if (body === undefined) return next();
    void body.then((outcome) => {
      const value = this.bodyOf(req, res, outcome);
      if (value === NOT_READ) return;
      const request = req as IncomingMessage & { body?: unknown; _body?: boolean };
      request.body = value;
      request._body = true;
      next();
    }, next);
  }

  private installFastify(instance: FastifyLike): void {
    instance.addHook('onRoute', (route) => {
      const mark = route.config?.[MCP_FASTIFY_ROUTE_KEY];
      if (typeof mark !== 'string' || !this.routes.owns(mark)) return;
      const served = this.routes.recordFastifyRoute(mark, route.url ?? mark);
      route.bodyLimit = this.limits.maxBodyBytes;
      const onRequest = (request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => {
        markServedRoute(request.raw, served);
        this.lifecycle.holdExchange(request.raw, reply.raw);
        if (this.answerHeaders(request.raw, reply.raw, served)) return done();
        // Answered on the raw response: Fastify must leave it alone.
        reply.hijack();
      };
      route.onRequest = [...hooksOf(route.onRequest), onRequest];
      route.preParsing = [...hooksOf(route.preParsing), this.fastifyPreParsing];
      route.preValidation = [...hooksOf(route.preValidation), this.fastifyPreValidation];
      route.errorHandler = (error: unknown, request: FastifyRequestLike, reply: FastifyReplyLike) =>
        this.fastifyError(error, request, reply);
    });
  }

  /**
   * The MCP body is read by the same reader as on Express (limit, strict UTF-8, JSON, forbidden keys), whatever
   * JSON parser the app gave Fastify; the parser then gets a stand-in of the size Fastify expects, and the body
   * read here replaces its result in preValidation.
   */
  private readonly fastifyPreParsing = (
    request: FastifyRequestLike,
    _reply: FastifyReplyLike,
    payload: Readable,
    done: (error: Error | null, payload?: Readable) => void,
  ): void => {
    const req = request.raw;
    if (req.method !== 'POST' || !isJsonContentType(req.headers['content-type'])) return done(null, payload);
    void readJsonBody(req, this.limits.maxBodyBytes, payload).then((outcome) => {
      if (!outcome.ok) return done(new McpBodyError(outcome));
      (req as unknown as Record<symbol, unknown>)[PARSED_BODY] = outcome.value;
      const standIn = Readable.from([Buffer.from('{}')]) as Readable & { receivedEncodedLength?: number };
      standIn.receivedEncodedLength = outcome.bytes ?? 2;
      done(null, standIn);
    });
  };

  private readonly fastifyPreValidation = (request: FastifyRequestLike, _reply: FastifyReplyLike, done: () => void): void => {
    const raw = request.raw as unknown as Record<symbol, unknown>;
    if (PARSED_BODY in raw) {
      request.body = raw[PARSED_BODY];
      delete raw[PARSED_BODY];
    }
    done();
  };

  /** Body errors of Fastify's parser on the MCP routes, as JSON-RPC; anything else goes to the app's handler. */
  private fastifyError(error: unknown, request: FastifyRequestLike, reply: FastifyReplyLike): unknown {
    if (error instanceof McpBodyError) {
      if (reply.sent || reply.raw.headersSent) return undefined;
      reply.hijack();
      this.refuseBody(request.raw, reply.raw, error.outcome);
      return undefined;
    }
    const { statusCode, code, message } = (error ?? {}) as { statusCode?: number; code?: string; message?: string };
    const isBodyError = typeof code === 'string' && code.startsWith('FST_ERR_CTP_');
    const forbiddenKey = /forbidden (prototype|constructor) property/i.test(message ?? '');
    if (!isBodyError && !forbiddenKey && !(error instanceof SyntaxError)) {
      return request.server.errorHandler.call(request.server, error, request, reply);
    }
    if (reply.sent || reply.raw.headersSent) return undefined;
    const outcome: Extract<BodyOutcome, { ok: false }> =
      statusCode === 413
        ? { ok: false, status: 413, code: McpErrorCode.InvalidRequest, message: McpMessages.bodyTooLarge(this.limits.maxBodyBytes) }
        : statusCode === 415
          ? { ok: false, status: 415, code: McpErrorCode.ServerError, message: McpMessages.unsupportedMediaType() }
          : forbiddenKey
            ? { ok: false, status: 400, code: McpErrorCode.InvalidRequest, message: McpMessages.forbiddenJsonKey() }
            : { ok: false, status: 400, code: McpErrorCode.ParseError, message: McpMessages.parseError() };
    reply.hijack();
    this.refuseBody(request.raw, reply.raw, outcome);
    return undefined;
  }

  /**
   * Whether the app listens on a loopback address (known once it listens; a pipe counts as local). An app that
   * serves Nest's handler from an HTTP server of its own (`app.init()`, then `http.createServer(...).listen()`)
   * leaves Nest's server unbound: then the address the request's connection arrived on tells.
   */
  private isLoopbackServer(req: IncomingMessage): boolean {
    if (this.loopbackServer !== undefined) return this.loopbackServer;
    const address = this.adapterHost?.httpAdapter?.getHttpServer?.()?.address?.();
    if (!address) {
      // No address at all (a serverless bridge's fake socket): not known to be local, as before it listens.
      const local = req.socket?.localAddress;
      return local !== undefined && isLoopbackAddress(local);
    }
    this.loopbackServer = typeof address === 'string' || isLoopbackAddress(address.address);
    if (!this.loopbackServer && !this.policy.allowedHosts) {
      this.logger.warn(McpMessages.noHostCheck(typeof address === 'string' ? address : address.address));
    }
    return this.loopbackServer;
  }
}
