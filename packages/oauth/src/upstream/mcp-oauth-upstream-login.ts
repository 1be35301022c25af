import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MCP_OAUTH_MODULE_OPTIONS } from '../mcp-oauth.module-definition.js';
import type { McpOAuthModuleOptions } from '../interfaces/mcp-oauth-options.interface.js';

/** Login through an upstream identity provider (`upstream`). */
@Injectable()
export class McpOAuthUpstreamLogin {
  constructor(@Inject(MCP_OAUTH_MODULE_OPTIONS) private readonly options: McpOAuthModuleOptions) {}

  get enabled(): boolean {
    return this.options.upstream !== undefined;
  }

  async start(_request: IncomingMessage, response: ServerResponse, _uid: string): Promise<void> {
    response.writeHead(501).end();
  }
}
