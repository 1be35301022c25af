import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  RELATED_TASK_META_KEY,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { SlotMap } from '../http/slot-map.js';

/** Hands one JSON-RPC request to a connected protocol, as its transport's `onmessage` would. */
export type McpProtocolRequestEntry = (request: JSONRPCRequest, extra?: MessageExtraInfo) => void;

/** Hands one checked notification or response (never a request) to a connected protocol, as `onmessage` would. */
export type McpProtocolMessageEntry = (message: JSONRPCMessage) => void;

type Handler = (request: JSONRPCRequest, extra: RequestExtra) => unknown;

/** The parts of the SDK's `Protocol` (1.x) that its request handling uses; checked before they are relied on. */
interface ProtocolInternals {
  _onrequest?: (request: JSONRPCRequest, extra?: MessageExtraInfo) => void;
  _onnotification?: (notification: JSONRPCMessage) => void;
  _onresponse?: (response: JSONRPCMessage) => void;
  _requestHandlers?: Map<string, Handler>;
  fallbackRequestHandler?: Handler;
  _requestHandlerAbortControllers?: Map<RequestId, { abort(reason?: unknown): void }>;
  _transport?: Transport;
  _taskStore?: unknown;
  _taskMessageQueue?: unknown;
  _onerror(error: Error): void;
  notification(notification: unknown, options: { relatedRequestId: RequestId }): Promise<void>;
  request(request: unknown, schema: unknown, options: Record<string, unknown>): Promise<unknown>;
}

/**
 * The abort controller of one request, made only when something asks for its signal (a tool that reads
 * `ctx.signal`, a server-to-client request): most calls never do, and an AbortController with its signal is a
 * noticeable part of a short call. The protocol aborts it on notifications/cancelled and when the connection closes.
 */
class LazyAbortController {
  aborted = false;
  private reason: unknown;
  private controller?: AbortController;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

/**
 * The handler's `extra` (the SDK's `RequestHandlerExtra`) without a closure per request: the same fields, its
 * `sendNotification` / `sendRequest` as methods bound on first use, its signal made on first use.
 */
class RequestExtra {
  readonly sessionId: string | undefined;
  readonly _meta: Record<string, unknown> | undefined;
  readonly authInfo: MessageExtraInfo['authInfo'];
  readonly requestInfo: MessageExtraInfo['requestInfo'];
  readonly closeSSEStream: MessageExtraInfo['closeSSEStream'];
  readonly closeStandaloneSSEStream: MessageExtraInfo['closeStandaloneSSEStream'];
  readonly taskId = undefined;
  readonly taskStore = undefined;
  readonly taskRequestedTtl = undefined;
  private notify?: (notification: unknown) => Promise<void>;
  private ask?: (request: unknown, schema: unknown, options?: Record<string, unknown>) => Promise<unknown>;

  constructor(
    private readonly protocol: ProtocolInternals,
    readonly requestId: RequestId,
    meta: unknown,
    extra: MessageExtraInfo | undefined,
    private readonly controller: LazyAbortController,
    sessionId: string | undefined,
  ) {
    this.sessionId = sessionId;
    this._meta = meta as Record<string, unknown> | undefined;
    this.authInfo = extra?.authInfo;
    this.requestInfo = extra?.requestInfo;
    this.closeSSEStream = extra?.closeSSEStream;
    this.closeStandaloneSSEStream = extra?.closeStandaloneSSEStream;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** As the SDK's: a notification related to this request; nothing once the request is cancelled. */
  get sendNotification(): (notification: unknown) => Promise<void> {
    return (this.notify ??= async (notification) => {
      if (this.controller.aborted) return;
      await this.protocol.notification(notification, { relatedRequestId: this.requestId });
    });
  }

  /** As the SDK's: a server-to-client request related to this one; refused once the request is cancelled. */
  get sendRequest(): (request: unknown, schema: unknown, options?: Record<string, unknown>) => Promise<unknown> {
    return (this.ask ??= async (request, schema, options) => {
      if (this.controller.aborted) throw new McpError(ErrorCode.ConnectionClosed, 'Request was cancelled');
      return this.protocol.request(request, schema, { ...options, relatedRequestId: this.requestId });
    });
  }
}

function errorResponse(id: RequestId, error: { code?: unknown; message?: string; data?: unknown }) {
  return {
    jsonrpc: '2.0' as const,
    id,
    error: {
      code: Number.isSafeInteger(error.code) ? (error.code as number) : ErrorCode.InternalError,
      message: error.message ?? 'Internal error',
      ...(error.data !== undefined && { data: error.data }),
    },
  };
}

/** One request, as the SDK's `_onrequest` serves it when no task is involved: the handler, then its answer. */
async function serve(protocol: ProtocolInternals, handler: Handler, request: JSONRPCRequest, extra: MessageExtraInfo | undefined): Promise<void> {
  const controllers = protocol._requestHandlerAbortControllers!;
  const controller = new LazyAbortController();
  controllers.set(request.id, controller);
  const transport = protocol._transport;
  const params = request.params as { _meta?: unknown } | undefined;
  let response: object;
  try {
    // The handler starts at once (the SDK starts it a microtask later: nothing runs in between that it could see).
    const result = await handler(request, new RequestExtra(protocol, request.id, params?._meta, extra, controller, transport?.sessionId));
    response = { result, jsonrpc: '2.0', id: request.id };
  } catch (error) {
    response = errorResponse(request.id, (error ?? {}) as { code?: unknown; message?: string; data?: unknown });
  }
  try {
    // A cancelled request (notifications/cancelled, or its connection closed) gets no answer.
    if (!controller.aborted) await transport?.send(response as never);
  } catch (error) {
    protocol._onerror(new Error(`Failed to send response: ${String(error)}`));
  } finally {
    // After close() and connect(), a new connection may have reused the id with a controller of its own.
    if (controllers.get(request.id) === controller) controllers.delete(request.id);
  }
}

/**
 * Where a request that our transports have already checked enters the SDK's `Protocol`. The `onmessage` the SDK
 * installs on a transport classifies every message with up to three zod `safeParse` calls (result response? error
 * response? request?), two of which fail and build zod issues for every request; its request handler
 * (`_onrequest`) then parses the params once more with zod (task-augmented?), makes an AbortController and two
 * closures, and runs a five-step promise chain. A request handed here has already been checked as one the SDK
 * accepts (`checkJsonRpcBody`), so when no task is involved (the server has no task store, the request no task
 * params or related-task metadata) it is served here the way `_onrequest` serves it: the same handler lookup,
 * abort-controller registry (so cancellation and close abort it), `extra`, answer and error mapping, with the
 * controller made lazily and one async function. Anything else goes to `_onrequest` itself. `undefined` when the
 * SDK has no such handler or its internals differ (another SDK version): the transport then uses `onmessage`.
 */
export function protocolRequestEntry(server: Server): McpProtocolRequestEntry | undefined {
  const protocol = server as unknown as ProtocolInternals;
  const onrequest = protocol._onrequest;
  if (typeof onrequest !== 'function' || onrequest.length !== 2) return undefined;
  const sdk: McpProtocolRequestEntry = (request, extra) => onrequest.call(server, request, extra);
  if (!(protocol._requestHandlers instanceof Map) || !(protocol._requestHandlerAbortControllers instanceof Map)) return sdk;
  if (typeof protocol.notification !== 'function' || typeof protocol.request !== 'function' || typeof protocol._onerror !== 'function') return sdk;
  // The SDK's own map, but one whose one-entry-at-a-time use leaves no old-generation garbage (http/slot-map.ts).
  if (protocol._requestHandlerAbortControllers.size === 0) protocol._requestHandlerAbortControllers = new SlotMap();
  return (request, extra) => {
    const params = request.params as { task?: unknown; _meta?: Record<string, unknown> } | undefined;
    const handler = protocol._requestHandlers!.get(request.method) ?? protocol.fallbackRequestHandler;
    if (!handler || protocol._taskStore || protocol._taskMessageQueue || params?.task !== undefined || params?._meta?.[RELATED_TASK_META_KEY] !== undefined) {
      return sdk(request, extra);
    }
    void serve(protocol, handler, request, extra);
  };
}

/**
 * Where a notification or a response from the client, already checked as one the SDK accepts (`checkJsonRpcBody`),
 * enters the SDK's `Protocol`: its notification handler (`_onnotification`) or response handler (`_onresponse`),
 * which `onmessage` reaches only after classifying the message with zod (result response? error response?
 * request? notification?): for a notification, three failing `safeParse` calls that each build zod issues, a
 * noticeable part of a session's `notifications/initialized`. The message is classified by its keys, as
 * `onmessage` would classify a checked one (it has a method: a notification; else a result or an error).
 * `undefined` when the SDK has no such handlers (another SDK version): the transport then uses `onmessage`.
 */
export function protocolMessageEntry(server: Server): McpProtocolMessageEntry | undefined {
  const protocol = server as unknown as ProtocolInternals;
  const onnotification = protocol._onnotification;
  const onresponse = protocol._onresponse;
  if (typeof onnotification !== 'function' || typeof onresponse !== 'function' || onnotification.length !== 1 || onresponse.length !== 1) return undefined;
  return (message) => {
    if ('method' in message) onnotification.call(server, message);
    else onresponse.call(server, message);
  };
}
