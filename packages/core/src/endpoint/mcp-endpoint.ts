import { Injectable } from '@nestjs/common';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { accepts, sendEmpty, toHttpExchange, type HttpExchange } from '../http/http-exchange.js';
import { sendJsonRpcError, writeRejection } from '../http/mcp-rejection.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { StreamableHttpEndpoint } from '../transports/streamable-http.endpoint.js';
import { SseEndpoint } from '../transports/sse.endpoint.js';
import { receiveMcpMessage } from '../transports/incoming-message.js';
import { Rev2026Endpoint } from '../rev-2026-07-28/rev-2026.endpoint.js';
import { classifyPost } from './revision-routing.js';

/**
 * What the generated controller calls: the one place that knows both protocol revisions. A POST's message is
 * received and checked once (Accept, body, JSON-RPC shape, per-item access), then routed by revision
 * (`classifyPost`): 2026-07-28 requests to `Rev2026Endpoint`, the rest to the Streamable HTTP endpoint. GET and
 * DELETE belong to 2025 sessions; the legacy SSE routes to `SseEndpoint`.
 */
@Injectable()
export class McpEndpoint {
  constructor(
    private readonly options: McpResolvedOptions,
    private readonly auth: McpAuthenticator,
    private readonly streamable: StreamableHttpEndpoint,
    private readonly rev2026: Rev2026Endpoint,
    private readonly sse: SseEndpoint,
  ) {}

  post(request: unknown, reply: unknown): void | Promise<void> {
    const exchange = toHttpExchange(request, reply);
    const { req, res } = exchange;
    const accept = req.headers.accept;
    const sse = !this.options.endpoint.jsonResponse;
    if (!accepts(accept, 'application/json') || (sse && !accepts(accept, 'text/event-stream'))) {
      const needed = sse ? 'application/json and text/event-stream' : 'application/json';
      return sendJsonRpcError(res, 406, McpErrorCode.ServerError, McpMessages.notAcceptable(needed));
    }
    const body = receiveMcpMessage(exchange, this.options.limits, this.auth);
    if (body instanceof Promise) return body.then((message) => this.route(exchange, message));
    return this.route(exchange, body);
  }

  /** Routes a received message by protocol revision. */
  private route(exchange: HttpExchange, body: JSONRPCMessage | undefined): void | Promise<void> {
    if (!body) return;
    const { req, res } = exchange;
    const route = classifyPost(req.headers, body, this.options.protocolVersions);
    switch (route.to) {
      case '2025-11-25':
        return this.streamable.post(exchange, body);
      case '2026-07-28':
        return this.rev2026.serve(exchange, route.message, route.revision);
      case 'dropped':
        return sendEmpty(res, 202);
      case 'refused':
        return writeRejection(res, route.rejection);
    }
  }

  async get(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
    if (this.only2026(exchange.res)) return;
    return this.streamable.get(exchange);
  }

  async delete(request: unknown, reply: unknown): Promise<void> {
    const exchange = toHttpExchange(request, reply);
    if (this.only2026(exchange.res)) return;
    return this.streamable.delete(exchange);
  }

  /** OPTIONS that is not a CORS preflight answered by the gate: which methods this route serves. */
  async allow(request: unknown, reply: unknown): Promise<void> {
    sendEmpty(toHttpExchange(request, reply).res, 204, { allow: 'GET, POST, DELETE, OPTIONS' });
  }

  async sseOpen(request: unknown, reply: unknown): Promise<void> {
    return this.sse.open(toHttpExchange(request, reply));
  }

  async sseMessage(request: unknown, reply: unknown): Promise<void> {
    return this.sse.message(toHttpExchange(request, reply));
  }

  /** A server that speaks only 2026-07-28 has no GET stream and no sessions to delete: 405. */
  private only2026(res: import('node:http').ServerResponse): boolean {
    if (this.options.protocolVersions !== '2026-07-28') return false;
    sendJsonRpcError(res, 405, McpErrorCode.ServerError, McpMessages.modernMethodNotAllowed(), { allow: 'POST' });
    return true;
  }
}
