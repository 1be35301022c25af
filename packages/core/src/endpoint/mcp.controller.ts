import { Controller, Delete, Get, Inject, Options, Post, Req, Res, UseFilters, UseGuards, type Type } from '@nestjs/common';
import { McpHttpExceptionFilter } from '../transports/mcp-http-exception.filter.js';
import { McpServerAuthGuard } from '../auth/mcp-auth.guard.js';
import type { ResolvedSseOptions, ResolvedStreamableHttpOptions } from '../options/transport-options.js';
import { FASTIFY_ROUTE_CONFIG_METADATA, MCP_FASTIFY_ROUTE_KEY } from '../transports/mcp-http-gate.js';
import { McpEndpoint } from './mcp-endpoint.js';

type Handler = 'post' | 'get' | 'delete' | 'allow' | 'sseOpen' | 'sseMessage';
type Route = [name: string, decorator: MethodDecorator, handler: Handler, path: string];

/**
 * Makes the controller of one MCP server, with its paths from the module options. It is an ordinary Nest
 * controller: the global prefix, versioning, app-level guards, interceptors and middleware apply to it. Every
 * route goes to `McpEndpoint`, which routes by protocol revision.
 */
export function createMcpController(
  streamableHttp: ResolvedStreamableHttpOptions | undefined,
  sse?: ResolvedSseOptions,
): Type<unknown> {
  @Controller()
  @UseFilters(McpHttpExceptionFilter)
  // On the class, so it covers every route of the server (a no-op when the server has no `auth`).
  @UseGuards(McpServerAuthGuard)
  class McpController {
    constructor(@Inject(McpEndpoint) readonly endpoint: McpEndpoint) {}
  }

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
    );
  }
  const prototype = McpController.prototype as unknown as Record<string, unknown>;
  for (const [name, route, handler, path] of routes) {
    prototype[name] = function (this: McpController, request: unknown, reply: unknown) {
      return this.endpoint[handler](request, reply);
    };
    // On Fastify, marks the route for McpHttpGate (body limit, origin check, JSON-RPC body errors).
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { [MCP_FASTIFY_ROUTE_KEY]: path }, prototype[name] as object);
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    route(prototype, name, descriptor);
    Req()(prototype, name, 0);
    Res()(prototype, name, 1);
    Reflect.defineMetadata('design:paramtypes', [Object, Object], prototype, name);
  }
  return McpController;
}
