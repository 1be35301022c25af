import type { ServerResponse } from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpResponseWriter } from '../http/mcp-response-writer.js';
import type { McpRequestTracker } from '../execution/mcp-dispatcher.js';
import type { McpSessionTransport } from '../sessions/mcp-session.js';
import { RequestDeadlines } from './request-deadlines.js';

export interface SseTransportOptions {
  /** Interval of keep-alive comments; `0`: none. */
  keepAliveMs: number;
  /** `limits.requestTimeoutMs`; `0`: none. */
  requestTimeoutMs: number;
  /** `limits.maxStreamBufferBytes`; `0`: no limit. */
  maxStreamBufferBytes: number;
}

function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  return 'result' in message || 'error' in message;
}

/**
 * Our legacy HTTP+SSE transport (MCP 2024-11-05): a Node-native implementation of the SDK's `Transport`, one per
 * SSE connection. The GET response (written by `McpResponseWriter`) is the only way to the client: the `endpoint`
 * event first, then every message the SDK `Server` sends (responses included), with keep-alive comments between
 * them. Messages from the client arrive in separate POSTs, which the endpoint hands to `handleMessage()`; each
 * request has `requestTimeoutMs`.
 *
 * The connection is the session: when the client goes away (or stops reading past the buffer limit) the
 * transport closes, which aborts the requests still running and lets the session service forget the session.
 */
export class SseTransport implements Transport, McpSessionTransport, McpRequestTracker {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  private closed = false;
  private readonly stream: McpResponseWriter;
  private readonly deadlines: RequestDeadlines;
  /**
   * Requests whose handler has not settled (told by the dispatcher): one that outlives its deadline still runs,
   * so it still counts. `initialize` is answered by the SDK itself and counts by its deadline only.
   */
  private readonly running = new Set<RequestId>();

  constructor(
    readonly sessionId: string,
    res: ServerResponse,
    /** Where the client POSTs its messages (path and `?sessionId=`), sent in the `endpoint` event. */
    private readonly endpointUrl: string,
    private readonly options: SseTransportOptions,
    /** Called once when the transport closes, after the protocol's own `onclose`. */
    private readonly onClosed?: () => void,
  ) {
    this.stream = new McpResponseWriter(res, 'sse', {}, options.maxStreamBufferBytes);
    this.deadlines = new RequestDeadlines(
      options.requestTimeoutMs,
      (message) => this.onmessage?.(message),
      (message) => void this.send(message),
    );
    void this.stream.done.then(() => this.close());
  }

  get isOpen(): boolean {
    return !this.closed && this.stream.isOpen;
  }

  /** Requests waiting for their answer or still running (a timed-out handler that ignores its abort runs on). */
  get pendingRequests(): number {
    let count = this.running.size;
    for (const id of this.deadlines.ids()) if (!this.running.has(id)) count++;
    return count;
  }

  /** What `maxStreamsPerSession` counts on this transport: its requests still running (the stream is the session). */
  get inFlight(): number {
    return this.pendingRequests;
  }

  /** Whether a request with this id is still waiting for its answer or running. */
  hasRequest(id: RequestId): boolean {
    return this.running.has(id) || this.deadlines.has(id);
  }

  /** The stream itself, while it is open (it carries every answer). */
  get openStreams(): number {
    return this.isOpen ? 1 : 0;
  }

  /** Nothing to end early: the stream carries the answers still to come; the session closes after the drain. */
  endStandalone(): void {}

  /** Opens the event stream and tells the client where to POST (called by `Server.connect()`). */
  async start(): Promise<void> {
    if (this.closed) return;
    this.stream.openNow(this.options.keepAliveMs, `event: endpoint\ndata: ${this.endpointUrl}\n\n`);
  }

  /** Hands a message POSTed by the client to the protocol. */
  handleMessage(message: JSONRPCMessage): void {
    if ('method' in message && 'id' in message && message.id !== undefined) {
      this.deadlines.start(message.id);
      if (message.method !== 'initialize') this.running.add(message.id);
    }
    if ('method' in message && message.method === 'notifications/cancelled') {
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (requestId !== undefined) this.deadlines.stop(requestId);
    }
    this.onmessage?.(message);
  }

  requestSettled(id: RequestId): void {
    this.running.delete(id);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    if (isResponse(message)) this.deadlines.stop(message.id);
    this.stream.write(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deadlines.clear();
    this.running.clear();
    this.stream.end();
    this.onclose?.();
    this.onClosed?.();
  }
}
