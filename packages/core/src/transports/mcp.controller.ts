import { Controller, Delete, Get, Inject, Post, Req, Res, UseFilters, UseGuards, type Type } from '@nestjs/common';
import { StreamableHttpEndpoint } from './streamable-http.endpoint.js';
import { McpHttpExceptionFilter } from './mcp-http-exception.filter.js';
import { McpServerAuthGuard } from '../auth/mcp-auth.guard.js';
import type { ResolvedStreamableHttpOptions } from './transport-options.js';

/**
 * Makes the controller of one MCP server, with its paths from the module options. It is an ordinary Nest
 * controller: the global prefix, versioning, app-level guards, interceptors and middleware apply to it.
 */
export function createMcpController(streamableHttp: ResolvedStreamableHttpOptions | undefined): Type<unknown> {
  const path = streamableHttp?.path;

  @Controller()
  @UseFilters(McpHttpExceptionFilter)
  // On the class, so it covers every route of the server (a no-op when the server has no `auth`).
  @UseGuards(McpServerAuthGuard)
  class McpController {
    constructor(@Inject(StreamableHttpEndpoint) readonly endpoint: StreamableHttpEndpoint) {}
  }

  if (path) {
    const prototype = McpController.prototype as unknown as Record<string, unknown>;
    const routes: [string, MethodDecorator, keyof StreamableHttpEndpoint][] = [
      ['post', Post(path), 'post'],
      ['get', Get(path), 'get'],
      ['delete', Delete(path), 'delete'],
    ];
    for (const [name, route, target] of routes) {
      prototype[name] = function (this: McpController, request: unknown, reply: unknown) {
        return (this.endpoint[target] as (request: unknown, reply: unknown) => Promise<void>).call(this.endpoint, request, reply);
      };
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
      route(prototype, name, descriptor);
      Req()(prototype, name, 0);
      Res()(prototype, name, 1);
      Reflect.defineMetadata('design:paramtypes', [Object, Object], prototype, name);
    }
  }
  return McpController;
}
