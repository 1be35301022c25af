import { Controller, Get, Inject, Res, type Type } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { McpHealthOptions } from '../interfaces/mcp-limits.interface.js';
import { writeJson } from '../http/http-exchange.js';
import { McpHealth } from './mcp-health.js';

/** Default path of the health endpoint. */
export const DEFAULT_MCP_HEALTH_PATH = '/mcp/health';

/** The health route's path, or `undefined` when the endpoint is off. */
export function resolveHealthPath(option: boolean | McpHealthOptions | undefined): string | undefined {
  if (!option) return undefined;
  return (option === true ? undefined : option.path) ?? DEFAULT_MCP_HEALTH_PATH;
}

/** Makes the controller of the health endpoint: 200 with the report, 503 while shutting down or full. */
export function createMcpHealthController(path: string): Type<unknown> {
  @Controller()
  class McpHealthController {
    constructor(@Inject(McpHealth) readonly health: McpHealth) {}

    @Get(path)
    get(@Res() reply: ServerResponse | { raw: ServerResponse; hijack(): void }): void {
      const res = 'raw' in reply ? (reply.hijack(), reply.raw) : reply;
      writeJson(res, this.health.isReady() ? 200 : 503, this.health.check(), { 'cache-control': 'no-store' });
    }
  }
  return McpHealthController;
}
