import { Injectable, Logger } from '@nestjs/common';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { runInMcpRequestContext, mcpRequestContextOf } from '../context/request-context.js';
import { isResponseClosed, sendEmpty, type HttpExchange } from '../http/http-exchange.js';
import { writeRejection } from '../http/mcp-rejection.js';
import { McpResponseWriter } from '../http/mcp-response-writer.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpNotifications } from '../sessions/mcp-notifications.js';
import { McpLifecycle } from '../lifecycle/mcp-lifecycle.js';
import type { Rev2026Message } from './rev-2026-message.js';
import { Rev2026Dispatcher } from './rev-2026.dispatcher.js';
import { Rev2026ExchangeTransport } from './rev-2026-exchange.transport.js';
import { invalidListenFilter, parseListenFilter, serveSubscriptionsListen, type ListenContext } from './subscriptions-listen.js';

const logger = new Logger('McpRev2026');

/**
 * The 2026-07-28 path of one server: every request is admitted by `McpLifecycle` (refused while draining),
 * counted until it ends, bounded by `requestTimeoutMs`, and served by a per-request SDK v2 `Server` on our
 * exchange transport; `subscriptions/listen` streams follow the same access rules as everything else. The
 * revision routing above (`McpEndpoint`) gives it the POSTs classified as 2026-07-28; it runs behind the same
 * controller route as the 2025 path, so guards, interceptors and middleware apply to both.
 */
@Injectable()
export class Rev2026Endpoint {
  private readonly listenContext: ListenContext;

  constructor(
    private readonly dispatcher: Rev2026Dispatcher,
    private readonly registry: McpRegistry,
    private readonly options: McpResolvedOptions,
    private readonly lifecycle: McpLifecycle,
    private readonly auth: McpAuthenticator,
    notifications: McpNotifications,
  ) {
    this.listenContext = {
      capabilities: dispatcher.capabilities,
      serverInfo: dispatcher.serverInfo,
      known: (uri) => registry.findResource(uri) !== undefined,
      listen: (target) => notifications.add(target),
      hold: (stream, callerKey) => lifecycle.holdStream(stream, callerKey),
      keepAliveMs: options.limits.keepAliveMs,
    };
  }

  async serve(exchange: HttpExchange, message: Rev2026Message, revision: string): Promise<void> {
    const admission = this.lifecycle.admitWork();
    if (admission !== 'open') return writeRejection(exchange.res, this.lifecycle.refusal(admission, message.id ?? null));
    const store = mcpRequestContextOf(exchange, this.options.name);
    if (message.id !== undefined && message.method === 'subscriptions/listen') return this.listen(exchange, message);
    // A client that left while guards ran: nothing to answer, nothing to run.
    if (message.id !== undefined && isResponseClosed(exchange.res)) return;
    const response = new McpResponseWriter(exchange.res, 'auto', {}, this.options.limits.maxStreamBufferBytes);
    const server = this.dispatcher.createServer();
    server.onerror = (error) => logger.debug(error.message);
    const transport = new Rev2026ExchangeTransport(revision, response);
    await server.connect(transport);
    if (message.id === undefined) {
      runInMcpRequestContext(store, () => transport.deliver(message));
      sendEmpty(exchange.res, 202);
      await server.close();
      return;
    }
    const hold = this.lifecycle.holdRequest(response);
    const timer = this.deadline(response, transport, message.id);
    try {
      runInMcpRequestContext(store, () => transport.deliver(message));
      await response.done;
    } finally {
      clearTimeout(timer);
      hold.release();
    }
  }

  /** `requestTimeoutMs`: the caller gets -32001 and the handler's signal aborts (the transport closes). */
  private deadline(response: McpResponseWriter, transport: Rev2026ExchangeTransport, id: string | number): NodeJS.Timeout | undefined {
    const ms = this.options.limits.requestTimeoutMs;
    if (!ms) return undefined;
    const timer = setTimeout(() => {
      const error = { jsonrpc: '2.0', id, error: { code: McpErrorCode.RequestTimeout, message: McpMessages.requestTimedOut(ms) } } as JSONRPCMessage;
      response.finish(error);
      void transport.close();
    }, ms);
    timer.unref();
    return timer;
  }

  /**
   * subscriptions/listen. A resource subscription follows the rules of reading it: without the scopes it needs,
   * 403 insufficient_scope (an anonymous caller of a non-public resource: 401), with the challenge, before the stream
   * opens; URIs that no resource or template serves are left out of the acknowledgement; at most
   * `maxSubscriptionsPerSession` URIs.
   */
  private listen(exchange: HttpExchange, message: Rev2026Message): void {
    const id = message.id!;
    const filter = parseListenFilter(message.params);
    // `auto`: an invalid filter is answered with one JSON body; a valid one opens the event stream.
    const response = new McpResponseWriter(exchange.res, 'auto', {}, this.options.limits.maxStreamBufferBytes);
    if (!response.isOpen) return;
    if (!filter) return response.finish(invalidListenFilter(id));
    const uris = filter.resourceSubscriptions ?? [];
    const limit = this.options.limits.maxSubscriptionsPerSession;
    if (limit > 0 && new Set(uris).size > limit) {
      return writeRejection(exchange.res, { status: 400, code: McpErrorCode.InvalidParams, message: McpMessages.tooManySubscriptions(limit), id });
    }
    for (const uri of uris) {
      if (!this.auth.admit(exchange.request, exchange.res, { jsonrpc: '2.0', id, method: 'resources/read', params: { uri } })) return;
    }
    // A listen stream lasts as long as its client wants, as a session does: it is admitted like one.
    const callerKey = this.lifecycle.callerKey(exchange.req, this.auth.principalOf(exchange.request));
    const admission = this.lifecycle.admitSession(callerKey);
    if (admission !== 'open') return writeRejection(exchange.res, this.lifecycle.refusal(admission, id));
    serveSubscriptionsListen(message, filter, response, this.listenContext, callerKey);
  }
}
