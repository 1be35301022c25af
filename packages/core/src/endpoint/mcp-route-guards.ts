import { HttpException, Injectable } from '@nestjs/common';
import { ApplicationConfig, ContextIdFactory, ModulesContainer } from '@nestjs/core';
import { GuardsConsumer, GuardsContextCreator } from '@nestjs/core/internal';
import type { NestContainer } from '@nestjs/core/injector/container.js';
import type { ServerResponse } from 'node:http';
import { McpMessages } from '../mcp.messages.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { httpExceptionMessage } from '../operations/mcp-error-mapper.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpEndpoint } from './mcp-endpoint.js';

/** A message the route's guards refused: the HTTP status and text the HTTP path would have answered with. */
export interface McpRouteRefusal {
  readonly status: number;
  readonly message: string;
  /** The `WWW-Authenticate` challenge set on the response, if any. */
  readonly challenge?: string;
}

type Method = (...args: unknown[]) => unknown;

/** The route whose guards a message would have met over HTTP: the POST of Streamable HTTP, else of legacy SSE. */
const ROUTE_METHODS = ['post', 'sseMessage'];

/**
 * Runs the guards of this server's MCP route (the app's global guards, `APP_GUARD`s, and the server's own
 * `McpServerAuthGuard`) on a request that did not come over HTTP: the testing kit's fake request. So an in-memory
 * message meets the same auth as an HTTP one: the module's own JWT check, or the app's guard, sets the principal
 * on the request, and a refusal is the one the HTTP path would answer (a 401 gets the RFC 9728 challenge too).
 * Nest's own guard machinery (`GuardsContextCreator`, `GuardsConsumer`) does the work, in the `'http'` context.
 */
@Injectable()
export class McpRouteGuards {
  private readonly creator: GuardsContextCreator;
  private readonly consumer = new GuardsConsumer();
  private route?: { instance: object; callback: Method; module: string } | null;

  constructor(
    config: ApplicationConfig,
    private readonly modules: ModulesContainer,
    private readonly options: McpResolvedOptions,
    private readonly auth: McpAuthenticator,
  ) {
    const container = { applicationConfig: config, getModules: () => modules };
    this.creator = new GuardsContextCreator(container as unknown as NestContainer, config);
  }

  /** Runs the route's guards on `request`; the refusal, or `undefined` when they let it through. */
  async check(request: object, response: ServerResponse): Promise<McpRouteRefusal | undefined> {
    const route = this.findRoute();
    if (!route) return undefined;
    const contextId = ContextIdFactory.getByRequest(request);
    const guards = this.creator.create(route.instance, route.callback, route.module, contextId);
    try {
      if (await this.consumer.tryActivate(guards, [request, response, () => undefined], route.instance, route.callback, 'http')) return undefined;
      return { status: 403, message: McpMessages.httpError(403, 'Forbidden resource') };
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      const status = error.getStatus();
      const text = httpExceptionMessage(error);
      if (status === 401) this.auth.challengeGuardRefusal(request, response, text);
      const challenge = response.getHeader('www-authenticate');
      return { status, message: McpMessages.httpError(status, text), ...(typeof challenge === 'string' && { challenge }) };
    }
  }

  /** This server's controller (the module whose options are ours) and the method of its MCP POST route. */
  private findRoute(): { instance: object; callback: Method; module: string } | null {
    if (this.route !== undefined) return this.route;
    this.route = null;
    for (const [key, module] of this.modules) {
      if (module.providers.get(McpResolvedOptions)?.instance !== this.options) continue;
      for (const wrapper of module.controllers.values()) {
        const instance = wrapper.instance as Record<string, unknown> | undefined;
        if (!instance || !(instance.endpoint instanceof McpEndpoint)) continue;
        const name = ROUTE_METHODS.find((method) => typeof instance[method] === 'function');
        if (name) this.route = { instance, callback: instance[name] as Method, module: key };
      }
    }
    return this.route;
  }
}
