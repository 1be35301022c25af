import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import type { ResolvedSseOptions } from '../options/transport-options.js';
import { runInMcpRequestContext, mcpRequestContextOf } from '../context/request-context.js';
import { accepts, isResponseClosed, sendEmpty, type HttpExchange } from '../http/http-exchange.js';
import { sendJsonRpcError, writeRejection } from '../http/mcp-rejection.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpDispatcher } from '../execution/mcp-dispatcher.js';
import { McpSessions } from '../sessions/mcp-sessions.js';
import { McpLifecycle } from '../lifecycle/mcp-lifecycle.js';
import { SseTransport } from './sse.transport.js';
import { receiveMcpMessage } from './incoming-message.js';

/** The path of the request as the client sent it (global prefix and version included), without the query. */
function requestPath(exchange: HttpExchange): string {
  const url = (exchange.request as { originalUrl?: string }).originalUrl ?? exchange.req.url ?? '/';
  const path = url.split('?')[0];
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function sessionIdOf(exchange: HttpExchange): string | undefined {
  const query = (exchange.request as { query?: Record<string, unknown> }).query;
  const fromQuery = query?.sessionId;
  if (typeof fromQuery === 'string') return fromQuery;
  const url = exchange.req.url ?? '';
  const search = url.includes('?') ? url.slice(url.indexOf('?')) : '';
  return new URLSearchParams(search).get('sessionId') ?? undefined;
}

/**
 * The legacy HTTP+SSE endpoint (MCP 2024-11-05) of one server: GET on `path` opens a session whose stream
 * carries every server message; POST on `messagesPath?sessionId=` delivers one client message and answers 202.
 * Sessions are admitted, counted, swept and drained with the Streamable HTTP ones (`McpLifecycle`, `McpSessions`).
 */
@Injectable()
export class SseEndpoint {
  readonly options?: ResolvedSseOptions;

  constructor(
    private readonly dispatcher: McpDispatcher,
    private readonly sessions: McpSessions,
    private readonly lifecycle: McpLifecycle,
    private readonly resolved: McpResolvedOptions,
    private readonly auth: McpAuthenticator,
  ) {
    this.options = resolved.sse;
  }

  /** GET: opens the stream; its first event (`endpoint`) tells the client where to POST. */
  async open(exchange: HttpExchange): Promise<void> {
    const accept = exchange.req.headers.accept;
    if (accept && !accepts(accept, 'text/event-stream')) {
      return sendJsonRpcError(exchange.res, 406, McpErrorCode.ServerError, McpMessages.notAcceptable('text/event-stream'));
    }
    // The client left while guards ran: no session for it.
    if (isResponseClosed(exchange.res)) return;
    const owner = this.auth.principalOf(exchange.request);
    const callerKey = this.lifecycle.callerKey(exchange.req, owner);
    const admission = this.lifecycle.admitSession(callerKey);
    if (admission !== 'open') return writeRejection(exchange.res, this.lifecycle.refusal(admission));
    const id = randomUUID();
    const { limits } = this.resolved;
    const transport = new SseTransport(
      id,
      exchange.res,
      this.messagesUrl(exchange, id),
      { keepAliveMs: this.resolved.sseKeepAliveMs, requestTimeoutMs: limits.requestTimeoutMs, maxStreamBufferBytes: limits.maxStreamBufferBytes },
      () => this.sessions.forget(id),
    );
    const { server, state } = this.dispatcher.createServer(this.sessions.newState(id), transport);
    try {
      await this.sessions.open({ id, kind: 'sse', transport, server, state, owner, callerKey });
    } catch {
      return writeRejection(exchange.res, this.lifecycle.storeRefusal());
    }
    await server.connect(transport);
    // The client may have gone while connecting: then the transport is closed and the session forgotten.
    if (!transport.isOpen) this.sessions.forget(id);
  }

  /** POST: one client message for the session named by `?sessionId=`; its answer goes out on the stream. */
  async message(exchange: HttpExchange): Promise<void> {
    const { res } = exchange;
    const id = sessionIdOf(exchange);
    if (!id) return sendJsonRpcError(res, 400, McpErrorCode.ServerError, McpMessages.sseSessionIdRequired());
    // Another principal's session is answered exactly like an unknown one.
    const session = this.sessions.get(id, this.auth.principalOf(exchange.request), 'sse');
    if (!session) return sendJsonRpcError(res, 404, McpErrorCode.SessionNotFound, McpMessages.sseSessionNotFound());
    const message = await receiveMcpMessage(exchange, this.resolved.limits, this.auth);
    if (!message) return;
    const transport = session.transport as SseTransport;
    if ('method' in message && 'id' in message && message.id !== undefined) {
      // The same bounds as a Streamable HTTP session: one request per id at a time, `maxStreamsPerSession` at once.
      if (transport.hasRequest(message.id)) {
        return sendJsonRpcError(res, 409, McpErrorCode.InvalidRequest, McpMessages.duplicateRequestId(message.id), {}, message.id);
      }
      if (!this.lifecycle.admitStream(transport)) return writeRejection(res, this.lifecycle.streamRefusal({}, message.id));
    }
    // The handler runs in the context of THIS POST: getHttpRequest() and headers are this request's.
    runInMcpRequestContext(mcpRequestContextOf(exchange, this.resolved.name, id), () => transport.handleMessage(message));
    sendEmpty(res, 202);
  }

  /** The messages URL for this stream: the GET's own path with the SSE path swapped for the messages path. */
  private messagesUrl(exchange: HttpExchange, sessionId: string): string {
    const { path, messagesPath } = this.options!;
    const own = requestPath(exchange);
    const base = own.endsWith(path) ? own.slice(0, own.length - path.length) : '';
    return `${base}${messagesPath}?sessionId=${encodeURIComponent(sessionId)}`;
  }
}
