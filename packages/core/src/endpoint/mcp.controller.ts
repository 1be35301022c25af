import { Controller, Delete, Get, Inject, Options, Post, Req, Res, UseFilters, UseGuards, type Type } from '@nestjs/common';
import { McpHttpExceptionFilter } from '../transports/mcp-http-exception.filter.js';
import { McpServerAuthGuard } from '../auth/mcp-auth.guard.js';
import type { ResolvedSseOptions, ResolvedStreamableHttpOptions } from '../options/transport-options.js';
import { FASTIFY_ROUTE_CONFIG_METADATA, MCP_FASTIFY_ROUTE_KEY, McpHttpGate } from '../transports/mcp-http-gate.js';
import { sendEmpty, toHttpExchange } from '../http/http-exchange.js';
import { McpEndpoint } from './mcp-endpoint.js';

type Handler = 'post' | 'get' | 'delete' | 'allow' | 'sseOpen' | 'sseMessage';
/** A route: its method name on the controller, its decorator, what serves it (or the Allow header of an OPTIONS route), its path. */
type Route = [name: string, decorator: MethodDecorator, handler: Handler | { allow: string }, path: string];

/**
 * Makes the controller of one MCP server, with its paths from the module options. It is an ordinary Nest
 * controller: the global prefix, versioning, app-level guards, interceptors and middleware apply to it. Every
 * route goes to `McpEndpoint`, which routes by protocol revision.
 */
export function createMcpController(
  streamableHttp: ResolvedStreamableHttpOptions | undefined,
  sse?: ResolvedSseOptions,
  /** Whether the server may verify tokens (`auth.jwt` / `auth.verifier`, or options not known yet: forRootAsync). */
  authGuard = true,
): Type<unknown> {
  @Controller()
  @UseFilters(McpHttpExceptionFilter)
  class McpController {
    constructor(
      @Inject(McpEndpoint) readonly endpoint: McpEndpoint,
      @Inject(McpHttpGate) readonly gate: McpHttpGate,
    ) {}
  }
  // On the class, so it covers every route of the server (a no-op when the server verifies no tokens; left off
  // when that is known up front, so Nest runs no guard step of its own for it on every request).
  if (authGuard) UseGuards(McpServerAuthGuard)(McpController);

  const routes: Route[] = [];
  if (streamableHttp) {
    const path = streamableHttp.path;
    routes.push(
      ['post', Post(path), 'post', path],
      ['get', Get(path), 'get', path],
      ['delete', Delete(path), 'delete', path],
      ['options', Options(path), 'allow', path],
    );
  }
  if (sse) {
    routes.push(
      ['sseOpen', Get(sse.path), 'sseOpen', sse.path],
      ['sseMessage', Post(sse.messagesPath), 'sseMessage', sse.messagesPath],
      // So that the gate answers CORS preflights there on every platform (Fastify routes OPTIONS only to a route).
      ['sseOptions', Options(sse.path), { allow: 'GET, OPTIONS' }, sse.path],
      ['sseMessageOptions', Options(sse.messagesPath), { allow: 'POST, OPTIONS' }, sse.messagesPath],
    );
  }
  const prototype = McpController.prototype as unknown as Record<string, unknown>;
  for (const [name, route, handler, path] of routes) {
    const serve = (controller: McpController, request: unknown, reply: unknown): void | Promise<void> => {
      if (typeof handler !== 'string') return sendEmpty(toHttpExchange(request, reply).res, 204, { allow: handler.allow });
      return controller.endpoint[handler](request, reply);
    };
    prototype[name] = function (this: McpController, request: unknown, reply: unknown): void | Promise<void> {
      // The gate has checked the request before the app's parsers and guards; this makes sure of it. Known at once
      // in the usual case (the gate saw the request), so no promise is made for it.
      const admitted = this.gate.admitInRoute(request, reply, path);
      if (admitted === true) return serve(this, request, reply);
      if (admitted === false) return;
      return admitted.then((ok) => (ok ? serve(this, request, reply) : undefined));
    };
    // Marks the route for McpHttpGate: Fastify reads it as route config, and Nest copies it onto the handler it
    // registers on every platform, where McpServedRoutes finds it in Express's router.
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { [MCP_FASTIFY_ROUTE_KEY]: path }, prototype[name] as object);
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    route(prototype, name, descriptor);
    Req()(prototype, name, 0);
    Res()(prototype, name, 1);
    Reflect.defineMetadata('design:paramtypes', [Object, Object], prototype, name);
  }
  return McpController;
}
