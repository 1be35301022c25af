import type { Type } from '@nestjs/common';
import type { ApplicationConfig } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { MCP_HANDLER_ENHANCER_METADATA } from '../mcp.constants.js';

/** Which global enhancers run on MCP handlers: `true` all, a list of classes those (plus the marked ones). */
export type McpInheritedEnhancers = boolean | readonly Type<unknown>[];

/** The global-enhancer lists of ApplicationConfig that Nest's context creators read. */
type GlobalLists = Pick<
  ApplicationConfig,
  | 'getGlobalGuards'
  | 'getGlobalRequestGuards'
  | 'getGlobalInterceptors'
  | 'getGlobalRequestInterceptors'
  | 'getGlobalPipes'
  | 'getGlobalRequestPipes'
  | 'getGlobalFilters'
  | 'getGlobalRequestFilters'
>;

/**
 * The app's global enhancers as MCP handlers see them: the ones marked `@ApplyToMcpHandlers()`, plus those the
 * `inheritGlobalEnhancers` option names (or all of them with `true`). A view over the live ApplicationConfig, so
 * `app.useGlobal*()` calls made after the module was built are seen too. Nest's context creators read it as their
 * config, the same way a hybrid microservice gets an ApplicationConfig of its own unless `inheritAppConfig` is set.
 */
export function mcpGlobalEnhancers(config: ApplicationConfig, inherit: McpInheritedEnhancers = false): GlobalLists {
  if (inherit === true) return config;
  const listed = new Set<unknown>(Array.isArray(inherit) ? inherit : []);
  const applies = (type: unknown): boolean =>
    typeof type === 'function' && (listed.has(type) || Reflect.getMetadata(MCP_HANDLER_ENHANCER_METADATA, type) === true);
  const instances = <T extends object>(list: T[]): T[] => list.filter((instance) => applies(instance.constructor));
  const wrappers = <T>(list: InstanceWrapper<T>[]): InstanceWrapper<T>[] => list.filter((wrapper) => applies(wrapper.metatype));
  return {
    getGlobalGuards: () => instances(config.getGlobalGuards()),
    getGlobalRequestGuards: () => wrappers(config.getGlobalRequestGuards()),
    getGlobalInterceptors: () => instances(config.getGlobalInterceptors()),
    getGlobalRequestInterceptors: () => wrappers(config.getGlobalRequestInterceptors()),
    getGlobalPipes: () => instances(config.getGlobalPipes()),
    getGlobalRequestPipes: () => wrappers(config.getGlobalRequestPipes()),
    getGlobalFilters: () => instances(config.getGlobalFilters()),
    getGlobalRequestFilters: () => wrappers(config.getGlobalRequestFilters()),
  };
}
