import { RequestMethod, VERSION_NEUTRAL, VersioningType, type Type } from '@nestjs/common';
import type { VersionValue } from '@nestjs/common/interfaces/version-options.interface.js';
import { HOST_METADATA, MODULE_PATH, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants.js';
import type { ApplicationConfig } from '@nestjs/core';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import { McpMessages } from '../mcp.messages.js';

/** Where a controller route is served, and the headers that choose its version (header / media-type versioning). */
export interface ServedRoute {
  readonly path: string;
  readonly headers: Record<string, string>;
  /** The hosts of a host-bound controller (`@Controller({ host })`) written out in full (no `:param`, not a RegExp). */
  readonly staticHosts?: readonly string[];
}

/** A host pattern with nothing to fill in: a path-to-regexp string without parameters, wildcards or groups. */
function isStaticHost(host: unknown): host is string {
  return typeof host === 'string' && /^[A-Za-z0-9.-]+$/.test(host);
}

/**
 * The Host header of a route tool's request. A controller bound to hosts it names in full gets one of them (the
 * caller's, when it is one of them, else the first): the route sees the host it is served for, whatever host the MCP
 * endpoint was called on. Any other route gets the caller's Host: what it would see on a REST request of the caller.
 * (Should Nest route that Host to another, host-bound controller, the request is refused there: McpRouteTargetGuard.)
 */
export function routeHost(served: ServedRoute, callerHost: string | undefined): { host: string; fixed: boolean } {
  const hosts = served.staticHosts;
  if (!hosts?.length) return { host: callerHost ?? 'localhost', fixed: false };
  const callerName = callerHost?.replace(/:\d+$/, '').toLowerCase();
  return { host: hosts.find((host) => host.toLowerCase() === callerName) ?? hosts[0], fixed: true };
}

function leading(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function firstVersion(version: VersionValue | undefined): string | undefined {
  const versions = Array.isArray(version) ? version : version === undefined ? [] : [version];
  const named = versions.find((candidate) => candidate !== VERSION_NEUTRAL);
  return named === undefined ? undefined : String(named);
}

/**
 * The path and version headers of a route as Nest serves it, computed by Nest's own `RoutePathFactory` (the one
 * its router uses) from the same inputs: global prefix and its `exclude`, URI versioning, the module path of a
 * `RouterModule`, the controller's and the method's paths. Of several paths or versions, the first.
 */
export function servedRoute(
  config: ApplicationConfig,
  applicationId: string | undefined,
  controller: Type<unknown>,
  hostModule: Type<unknown> | undefined,
  method: object,
  requestMethod: RequestMethod,
  where: string,
): ServedRoute {
  const versioning = config.getVersioning();
  const controllerPaths = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
  const ctrlPath = leading((Array.isArray(controllerPaths) ? controllerPaths[0] : controllerPaths) ?? '/');
  const methodPaths = Reflect.getMetadata(PATH_METADATA, method) as string | string[];
  const methodPath = leading(Array.isArray(methodPaths) ? methodPaths[0] : methodPaths);
  const modulePath = hostModule
    ? ((applicationId && (Reflect.getMetadata(MODULE_PATH + applicationId, hostModule) as string | undefined)) ??
      (Reflect.getMetadata(MODULE_PATH, hostModule) as string | undefined))
    : undefined;
  const controllerVersion = versioning
    ? ((Reflect.getMetadata(VERSION_METADATA, controller) as VersionValue | undefined) ?? versioning.defaultVersion)
    : undefined;
  const methodVersion = Reflect.getMetadata(VERSION_METADATA, method) as VersionValue | undefined;
  const paths = new RoutePathFactory(config).create(
    { ctrlPath, methodPath, modulePath, globalPrefix: config.getGlobalPrefix(), controllerVersion, methodVersion, versioningOptions: versioning },
    requestMethod,
  );
  const headers: Record<string, string> = {};
  const version = versioning && firstVersion(methodVersion ?? controllerVersion);
  if (versioning && version !== undefined) {
    if (versioning.type === VersioningType.HEADER) headers[versioning.header.toLowerCase()] = version;
    else if (versioning.type === VersioningType.MEDIA_TYPE) headers.accept = `application/json;${versioning.key}${version}`;
    else if (versioning.type === VersioningType.CUSTOM) throw new Error(McpMessages.restCustomVersioning(where));
  }
  const declaredHosts = Reflect.getMetadata(HOST_METADATA, controller) as string | RegExp | (string | RegExp)[] | undefined;
  const staticHosts = [declaredHosts ?? []].flat().filter(isStaticHost);
  return { path: paths[0], headers, ...(staticHosts.length && { staticHosts }) };
}
