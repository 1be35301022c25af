import { ClassSerializerInterceptor, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { mcpGlobalEnhancers } from './mcp-global-enhancers.js';

function isSerializer(type: unknown): boolean {
  return type === ClassSerializerInterceptor || (typeof type === 'function' && type.prototype instanceof ClassSerializerInterceptor);
}

/**
 * Start-up hints about the app's global enhancers that MCP handlers do not get (docs/enhancers.md). Today one: a
 * global ClassSerializerInterceptor does not serialize tool, resource and prompt results, so fields the app hides
 * with `@Exclude()` reach MCP clients when a tool returns an entity. Said once, as a warning, unless the server's
 * `inheritGlobalEnhancers` option says what the app wants.
 */
@Injectable()
export class McpGlobalEnhancerHints implements OnApplicationBootstrap {
  private readonly logger = new Logger('McpEnhancers');

  constructor(
    private readonly config: ApplicationConfig,
    @Inject(MCP_MODULE_OPTIONS) private readonly options: McpModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.inheritGlobalEnhancers !== undefined) return;
    const interceptors = (view: Pick<ApplicationConfig, 'getGlobalInterceptors' | 'getGlobalRequestInterceptors'>) => [
      ...view.getGlobalInterceptors().map((instance) => instance.constructor),
      ...view.getGlobalRequestInterceptors().map((wrapper) => wrapper.metatype),
    ];
    const global = interceptors(this.config).some(isSerializer);
    const applied = interceptors(mcpGlobalEnhancers(this.config)).some(isSerializer);
    if (global && !applied) this.logger.warn(McpMessages.serializerNotOnHandlers(this.options.name));
  }
}
