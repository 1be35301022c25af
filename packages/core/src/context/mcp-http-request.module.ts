import { Global, Module, Scope, type Provider } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { MCP_HTTP_REQUEST } from '../mcp.constants.js';
import { currentMcpRequestContext } from './request-context.js';

/**
 * `MCP_HTTP_REQUEST`: the HTTP request that carried the current MCP message, for request-scoped providers.
 * MCP handlers resolve request-scoped providers from a context id registered for that request, so this is
 * Nest's `REQUEST` there; the request context is read first, so it is right even where they could differ.
 */
export const mcpHttpRequestProvider: Provider = {
  provide: MCP_HTTP_REQUEST,
  scope: Scope.REQUEST,
  useFactory: (request: unknown) => currentMcpRequestContext()?.request ?? request,
  inject: [REQUEST],
};

/** Makes `MCP_HTTP_REQUEST` injectable in every module (imported by each `McpModule.forRoot()`). */
@Global()
@Module({ providers: [mcpHttpRequestProvider], exports: [MCP_HTTP_REQUEST] })
export class McpHttpRequestModule {}
