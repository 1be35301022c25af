import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import parseUrl from 'parseurl';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';

/** Route config key marking the routes of an MCP server (set by the controller, read by the gate). */
export const MCP_FASTIFY_ROUTE_KEY = 'nestmcpRoute';
/**
 * Where @nestjs/platform-fastify reads a route's `config` (its `@RouteConfig()` metadata key). Nest copies a
 * controller method's metadata to the handler it registers, on every platform, so on Express the same mark
 * is found on the router's layers.
 */
export const FASTIFY_ROUTE_CONFIG_METADATA = '__fastify_route_config__';

/** An MCP route as the HTTP framework serves it. */
export interface McpServedRoute {
  /** The path the route was declared with in the module options (`/mcp`), which marks it. */
  readonly declared: string;
  /** The path the framework serves it at: global prefix, version, module path included (`/api/v1/mcp`). */
  readonly path: string;
}

interface ExpressRoute {
  path: unknown;
  stack: { handle?: unknown; method?: string }[];
  _handlesMethod(method: string): boolean;
}
interface ExpressLayer {
  route?: ExpressRoute;
  match(path: string): unknown;
}
interface ExpressEntry {
  layer: ExpressLayer;
  route: ExpressRoute;
  served: McpServedRoute;
}
const NO_ENTRIES: readonly ExpressEntry[] = [];
const MAX_CACHED_PATHS = 256;
const MAX_CACHED_PATH_LENGTH = 512;
interface ExpressApp {
  router?: { stack?: ExpressLayer[] };
}

/** The declared path an MCP route handler is marked with, if it is one. */
export function mcpRouteMark(handler: unknown): string | undefined {
  if (typeof handler !== 'function') return undefined;
  const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined;
  const mark = config?.[MCP_FASTIFY_ROUTE_KEY];
  return typeof mark === 'string' ? mark : undefined;
}

/**
 * The MCP route the gate found each request was for, by Node request. A WeakMap, not a property of the request:
 * adding a property to Node's request on every request cost far more (see http/response-close.ts).
 */
const servedRoutes = new WeakMap<object, McpServedRoute>();

/** Remembers, on the request, which MCP route the gate found it was for. */
export function markServedRoute(req: IncomingMessage, route: McpServedRoute): void {
  servedRoutes.set(req, route);
}

/** The MCP route the gate found a request was for (framework request or Node request). */
export function servedRouteOf(request: unknown): McpServedRoute | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const raw = (request as { raw?: unknown }).raw ?? request;
  return typeof raw === 'object' && raw !== null ? servedRoutes.get(raw) : undefined;
}

/**
 * The routes of one MCP server as the HTTP framework actually serves them, learned from the framework rather
 * than computed: on Express from the router's layers whose handler carries the MCP route mark, on Fastify
 * from its `onRoute` hook. Whatever the app does to the paths (global prefix and its `exclude`, URI, header or
 * media-type versioning, RouterModule), the gate and the RFC 9728 metadata follow the route that is served.
 */
@Injectable()
export class McpServedRoutes {
  /** Declared paths of this server's routes. */
  readonly declared: readonly string[];
  /** The declared path that names the server's resource (RFC 9728): the Streamable HTTP one, else the SSE one. */
  readonly resourceDeclared?: string;
  private readonly fastifyRoutes: McpServedRoute[] = [];
  private expressLayers?: ExpressEntry[];
  /** The layers that match a path (see `layersMatching`), for the layers of `expressLayers`. */
  private readonly matchesByPath = new Map<string, readonly ExpressEntry[]>();
  private expressStackSize = -1;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    options: McpResolvedOptions,
  ) {
    const streamable = options.streamableHttp;
    const sse = options.sse;
    this.declared = [streamable?.path, sse?.path, sse?.messagesPath].filter((path): path is string => path !== undefined);
    this.resourceDeclared = streamable?.path ?? sse?.path;
  }

  /** Whether `mark` is one of this server's routes. */
  owns(mark: string | undefined): mark is string {
    return mark !== undefined && this.declared.includes(mark);
  }

  /** Records a route Fastify registers (from the gate's `onRoute` hook). */
  recordFastifyRoute(declared: string, url: string): McpServedRoute {
    const served = { declared, path: url };
    if (!this.fastifyRoutes.some((route) => route.path === url && route.declared === declared)) this.fastifyRoutes.push(served);
    return served;
  }

  /** Every route of this server the framework serves (known once Nest has registered its routes). */
  all(): McpServedRoute[] {
    if (this.adapterHost?.httpAdapter?.getType() === 'fastify') return [...this.fastifyRoutes];
    const unique = new Map<string, McpServedRoute>();
    for (const { served } of this.scanExpress()) unique.set(`${served.declared}\0${served.path}`, served);
    return [...unique.values()];
  }

  /** The paths this server's resource is served at (several under several versions), in registration order. */
  resourcePaths(): string[] {
    return [...new Set(this.all().filter((route) => route.declared === this.resourceDeclared).map((route) => route.path))];
  }

  /**
   * Express: the MCP route of this server that the router will dispatch this request to, matched by the
   * router's own layers (same path parsing, case and trailing-slash rules) and `method` (HEAD is served by GET
   * routes; a CORS preflight is matched with the method it asks for).
   */
  matchExpress(req: IncomingMessage, method: string): McpServedRoute | undefined {
    const layers = this.scanExpress();
    if (layers.length === 0) return undefined;
    let path: string | undefined;
    try {
      path = parseUrl(req)?.pathname ?? undefined;
    } catch {
      return undefined;
    }
    if (path === undefined) return undefined;
    for (const { route, served } of this.layersMatching(layers, path)) if (route._handlesMethod(method)) return served;
    return undefined;
  }

  /**
   * The layers whose path matches `path`, remembered by path (clients send the same few on every request): a
   * layer's match depends only on the path, and the router matches it again anyway, so matching it here too on
   * every request (a regular expression, two objects and their keys) bought nothing. Bounded: starts over when
   * full; long paths are not kept.
   */
  private layersMatching(layers: ExpressEntry[], path: string): readonly ExpressEntry[] {
    let matching = this.matchesByPath.get(path);
    if (matching !== undefined) return matching;
    matching = layers.filter(({ layer }) => {
      try {
        return Boolean(layer.match(path));
      } catch {
        // The router fails such a path too (e.g. bad percent-encoding): it is not served.
        return false;
      }
    });
    if (matching.length === 0) matching = NO_ENTRIES;
    if (path.length > MAX_CACHED_PATH_LENGTH) return matching;
    if (this.matchesByPath.size >= MAX_CACHED_PATHS) this.matchesByPath.clear();
    this.matchesByPath.set(path, matching);
    return matching;
  }

  /** The Express router layers of this server's routes, found once the routes exist (again if the stack grows). */
  private scanExpress(): ExpressEntry[] {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter || adapter.getType() === 'fastify') return [];
    const stack = adapter.getInstance<ExpressApp>()?.router?.stack ?? [];
    if (this.expressLayers && stack.length === this.expressStackSize) return this.expressLayers;
    const found: ExpressEntry[] = [];
    for (const layer of stack) {
      const route = layer.route;
      if (!route || typeof route.path !== 'string') continue;
      const mark = route.stack.map((entry) => mcpRouteMark(entry.handle)).find((value) => value !== undefined);
      if (this.owns(mark)) found.push({ layer, route, served: { declared: mark, path: route.path } });
    }
    this.expressLayers = found;
    this.matchesByPath.clear();
    this.expressStackSize = stack.length;
    return found;
  }
}
