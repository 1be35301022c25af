import type { ApplicationConfig } from '@nestjs/core';
import { McpMessages } from '../mcp.messages.js';
import { mcpGlobalEnhancers, type McpInheritedEnhancers } from '../execution/mcp-global-enhancers.js';
import { McpRouteTargetGuard } from '../rest-tools/route-target.guard.js';

/** An MCP method as discovery found it: the item it serves, the method and its class. */
export interface DiscoveredMcpHandler {
  readonly item: string;
  readonly source: string;
  readonly method: object;
  readonly type: object;
}

/** Metadata keys of Nest itself (routing, DI, enhancers) on classes and methods: never read by an app's guard. */
const NEST_KEYS = new Set(['method', 'path', 'host', 'imports', 'providers', 'controllers', 'exports']);

/**
 * The metadata keys on `target` that an app's guard may read (`@Roles()`, `SetMetadata()`, `Reflector.createDecorator()`):
 * all but Nest's own (`__guards__`, `design:paramtypes`, `scope:options`, ...) and nestmcp's (`nestmcp:*`).
 */
function guardReadableKeys(target: object): string[] {
  return Reflect.getOwnMetadataKeys(target)
    .filter((key) => typeof key === 'symbol' || !(key.startsWith('__') || key.includes(':') || key.includes('/') || NEST_KEYS.has(key)))
    .map(String);
}

function guardNames(config: Pick<ApplicationConfig, 'getGlobalGuards' | 'getGlobalRequestGuards'>): Set<unknown> {
  return new Set([...config.getGlobalGuards().map((guard) => guard.constructor), ...config.getGlobalRequestGuards().map((wrapper) => wrapper.metatype)]);
}

/**
 * The start-up warning for items that carry metadata a guard would read (`@Roles('admin')` on a tool, as on a route)
 * while the app has global guards that do not run on MCP handlers (docs/enhancers.md): such a guard never sees the
 * tool, so the metadata is not enforced. `undefined` when there is nothing to say, or when the server's
 * `inheritGlobalEnhancers` option says it has decided.
 */
export function guardMetadataHint(
  server: string,
  config: ApplicationConfig,
  inherit: McpInheritedEnhancers | undefined,
  handlers: readonly DiscoveredMcpHandler[],
): string | undefined {
  if (inherit !== undefined) return undefined;
  const applied = guardNames(mcpGlobalEnhancers(config));
  // McpRouteTargetGuard is McpModule's own, for route tools' in-process requests only: not the app's, nothing to say.
  const skipped = [...guardNames(config)].filter((type) => !applied.has(type) && type !== McpRouteTargetGuard);
  if (!skipped.length) return undefined;
  const items = handlers.flatMap(({ item, source, method, type }) => {
    const keys = [...new Set([...guardReadableKeys(method), ...guardReadableKeys(type)])];
    return keys.length ? [`${item} (${source}: ${keys.join(', ')})`] : [];
  });
  if (!items.length) return undefined;
  return McpMessages.guardMetadataNotChecked(server, skipped.map((type) => (type as { name?: string })?.name ?? 'anonymous'), items);
}
