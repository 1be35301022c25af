import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type JSONRPCRequest, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpResponseStream } from './mcp-response-stream.js';

export interface StreamableHttpTransportOptions {
  /** Longest time a request may wait for its answer; 0 or unset: no limit. */
  requestTimeoutMs?: number;
  /** Keep-alive comments on SSE responses that wait this long; 0 or unset: none. */
  keepAliveMs?: number;
}

function isResponse(message: JSONRPCMessage): message is Extract<JSONRPCMessage, { id: RequestId }> & ({ result: unknown } | { error: unknown }) {
  return 'result' in message || 'error' in message;
}

/**
 * Our Streamable HTTP transport: a Node-native implementation of the SDK's `Transport`. The endpoint hands it
 * parsed messages with the response that should carry their answer; the SDK `Server` connected to it sends
 * responses and related messages back through `send()`, which writes them straight to that response.
 *
 * Messages related to a request go to that request's response; others (list-changed, resource updates,
 * server requests not tied to a request) go to the session's standalone GET stream, if one is open.
 */
export class StreamableHttpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  private readonly inFlight = new Map<RequestId, McpResponseStream>();
  private standalone?: McpResponseStream;
  private closed = false;

  constructor(
    readonly sessionId?: string,
    /** Called once when the transport closes, after the protocol's own `onclose`. */
    private readonly onClosed?: () => void,
    private readonly options: StreamableHttpTransportOptions = {},
  ) {}

  async start(): Promise<void> {}

  /** Number of requests waiting for their response. */
  get pendingRequests(): number {
    return this.inFlight.size;
  }

  /** Open responses: requests waiting for their answer plus the standalone stream. */
  get openStreams(): number {
    return this.inFlight.size + (this.standalone?.isOpen ? 1 : 0);
  }

  /** Hands a request to the protocol; its answer goes to `stream`. False if a request with that id is in flight. */
  handleRequest(message: JSONRPCRequest, stream: McpResponseStream): boolean {
    if (this.inFlight.has(message.id)) return false;
    this.inFlight.set(message.id, stream);
    const { requestTimeoutMs, keepAliveMs } = this.options;
    const timer = requestTimeoutMs ? setTimeout(() => this.timeOut(message.id, stream, requestTimeoutMs), requestTimeoutMs) : undefined;
    void stream.done.then(() => {
      clearTimeout(timer);
      if (this.inFlight.get(message.id) === stream) this.inFlight.delete(message.id);
    });
    if (keepAliveMs) stream.keepAliveAfter(keepAliveMs);
    this.onmessage?.(message);
    return true;
  }

  /** A request past its time: its handler is aborted (as if cancelled) and the caller gets an error. */
  private timeOut(id: RequestId, stream: McpResponseStream, ms: number): void {
    if (this.inFlight.get(id) !== stream) return;
    this.inFlight.delete(id);
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'timeout' } });
    stream.finish({ jsonrpc: '2.0', id, error: { code: ErrorCode.RequestTimeout, message: McpMessages.requestTimedOut(ms) } });
  }

  /** Hands a notification or a response (to a server request) to the protocol. */
  handleMessage(message: JSONRPCMessage): void {
    this.onmessage?.(message);
    // A cancelled request gets no response from the protocol: end the HTTP response that waits for it.
    if ('method' in message && message.method === 'notifications/cancelled') {
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (requestId !== undefined) this.inFlight.get(requestId)?.end();
    }
  }

  /** Attaches the session's standalone stream (GET). False if one is already open. */
  attachStandalone(stream: McpResponseStream): boolean {
    if (this.standalone?.isOpen) return false;
    this.standalone = stream;
    void stream.done.then(() => {
      if (this.standalone === stream) this.standalone = undefined;
    });
    return true;
  }

  /** Ends the standalone stream, if open (shutdown: the client may reconnect elsewhere). */
  endStandalone(): void {
    this.standalone?.end();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (isResponse(message)) {
      const stream = this.inFlight.get(message.id);
      if (stream) {
        this.inFlight.delete(message.id);
        stream.finish(message);
      }
      return;
    }
    const related = options?.relatedRequestId;
    const stream = related !== undefined ? this.inFlight.get(related) : undefined;
    if (stream?.write(message)) return;
    this.standalone?.write(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.inFlight.values()) stream.end();
    this.inFlight.clear();
    this.standalone?.end();
    this.standalone = undefined;
    this.onclose?.();
    this.onClosed?.();
  }
}
