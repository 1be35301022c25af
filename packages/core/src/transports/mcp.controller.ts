import { Controller, Delete, Get, Inject, Post, Req, Res, UseFilters, type Type } from '@nestjs/common';
import { StreamableHttpEndpoint } from './streamable-http.endpoint.js';
import { SseEndpoint } from './sse.endpoint.js';
import { McpHttpExceptionFilter } from './mcp-http-exception.filter.js';
import type { ResolvedSseOptions, ResolvedStreamableHttpOptions } from './transport-options.js';

type Endpoints = { streamable: StreamableHttpEndpoint; sse: SseEndpoint };
type Route = [name: string, decorator: MethodDecorator, endpoint: keyof Endpoints, method: string];

/**
 * Makes the controller of one MCP server, with its paths from the module options. It is an ordinary Nest
 * controller: the global prefix, versioning, app-level guards, interceptors and middleware apply to it.
 */
export function createMcpController(
  streamableHttp: ResolvedStreamableHttpOptions | undefined,
  sse?: ResolvedSseOptions,
): Type<unknown> {
  @Controller()
  @UseFilters(McpHttpExceptionFilter)
  class McpController {
    constructor(
      @Inject(StreamableHttpEndpoint) readonly streamable: StreamableHttpEndpoint,
      @Inject(SseEndpoint) readonly sse: SseEndpoint,
    ) {}
  }

  const routes: Route[] = [];
  if (streamableHttp) {
    const path = streamableHttp.path;
    routes.push(['post', Post(path), 'streamable', 'post'], ['get', Get(path), 'streamable', 'get'], ['delete', Delete(path), 'streamable', 'delete']);
  }
  if (sse) {
    routes.push(['sseOpen', Get(sse.path), 'sse', 'open'], ['sseMessage', Post(sse.messagesPath), 'sse', 'message']);
  }
  const prototype = McpController.prototype as unknown as Record<string, unknown>;
  for (const [name, route, endpoint, method] of routes) {
    prototype[name] = function (this: McpController, request: unknown, reply: unknown) {
      const target = this[endpoint] as unknown as Record<string, (request: unknown, reply: unknown) => Promise<void>>;
      return target[method].call(target, request, reply);
    };
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    route(prototype, name, descriptor);
    Req()(prototype, name, 0);
    Res()(prototype, name, 1);
    Reflect.defineMetadata('design:paramtypes', [Object, Object], prototype, name);
  }
  return McpController;
}
