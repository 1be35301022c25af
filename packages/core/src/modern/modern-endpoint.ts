import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import type { McpModuleOptions, McpProtocolVersions } from '../interfaces/mcp-options.interface.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { runInMcpRequestContext, type McpRequestContextStore } from '../context/request-context.js';
import { sendEmpty, writeJson, type HttpExchange } from '../http/http-exchange.js';
import { classifyPost, type ModernMessage } from './protocol-era.js';
import { ModernDispatcher } from './modern-dispatcher.js';
import { ModernExchangeTransport } from './modern-exchange.transport.js';
import { ModernResponse } from './modern-response.js';
import { serveSubscriptionsListen } from './subscriptions-listen.js';

const logger = new Logger('McpModern');

/**
 * The 2026-07-28 half of the endpoint. The Streamable HTTP endpoint hands it every parsed POST body; it
 * classifies it and serves the modern ones (or refuses them), leaving the 2025 ones to the session path.
 * It runs behind the same controller route, so guards, interceptors and middleware apply to both eras.
 */
@Injectable()
export class ModernEndpoint implements OnModuleDestroy {
  readonly served: McpProtocolVersions;
  /** Open subscriptions/listen streams and requests in flight, ended when the module shuts down. */
  private readonly open = new Set<ModernResponse>();

  constructor(
    private readonly dispatcher: ModernDispatcher,
    private readonly registry: McpRegistry,
    @Inject(MCP_MODULE_OPTIONS) private readonly options: McpModuleOptions,
  ) {
    this.served = options.protocolVersions ?? 'both';
  }

  /** Serves `body` if it is not 2025-era traffic; returns false to leave it to the 2025 path. */
  async handlePost(exchange: HttpExchange, body: unknown): Promise<boolean> {
    const decision = classifyPost(exchange.req.headers, body, this.served);
    if (decision.era === 'legacy') return false;
    if (decision.era === 'reject') {
      if (decision.status === 202) sendEmpty(exchange.res, 202);
      else {
        const error = { code: decision.code, message: decision.message, ...(decision.data !== undefined && { data: decision.data }) };
        writeJson(exchange.res, decision.status, { jsonrpc: '2.0', id: decision.id, error });
      }
      return true;
    }
    await this.serve(exchange, decision.message, decision.revision);
    return true;
  }

  private async serve(exchange: HttpExchange, message: ModernMessage, revision: string): Promise<void> {
    const response = new ModernResponse(exchange.res);
    const store: McpRequestContextStore = {
      request: exchange.request,
      raw: exchange.req,
      response: exchange.res,
      serverName: this.options.name,
    };
    if (message.id !== undefined) {
      this.open.add(response);
      exchange.res.once('close', () => this.open.delete(response));
    }
    if (message.id !== undefined && message.method === 'subscriptions/listen') {
      runInMcpRequestContext(store, () =>
        serveSubscriptionsListen(message, response, this.registry, this.dispatcher.capabilities, this.dispatcher.serverInfo),
      );
      return;
    }
    const server = this.dispatcher.createServer();
    server.onerror = (error) => logger.debug(error.message);
    const transport = new ModernExchangeTransport(revision, response);
    await server.connect(transport);
    runInMcpRequestContext(store, () => transport.deliver(message));
    if (message.id === undefined) {
      sendEmpty(exchange.res, 202);
      await server.close();
    }
  }

  /** Ends open subscriptions/listen streams and unfinished requests, so the HTTP server can close. */
  onModuleDestroy(): void {
    for (const response of this.open) response.end();
    this.open.clear();
  }
}
