import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { runInMcpRequestContext, type McpRequestContextStore } from '../context/request-context.js';
import type { McpRequestTracker } from '../execution/mcp-dispatcher.js';
import type { McpSessionTransport } from '../sessions/mcp-session.js';
import { RequestDeadlines } from './request-deadlines.js';

function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  return 'result' in message || 'error' in message;
}

function isRequest(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId; method: string } {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

/** What the session learns when its initialize is answered: the request's params and the negotiated version. */
export interface McpChannelInitialized {
  readonly params: Record<string, unknown>;
  readonly protocolVersion?: string;
}

/**
 * The 2025-11-25 session of a channel that is not HTTP (the stdio transport, the testing kit's in-memory channel):
 * an SDK `Transport` fed one message at a time, each inside its own request context, and sending everything the
 * SDK `Server` says to `send` in order. The channel is the session, as on the legacy SSE transport: one per
 * connection, open until the channel ends; each request has `requestTimeoutMs` (`RequestDeadlines`).
 */
export class McpChannelTransport implements Transport, McpSessionTransport, McpRequestTracker {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  private closed = false;
  private readonly deadlines: RequestDeadlines;
  private initialize?: { id: RequestId; params: Record<string, unknown> };

  constructor(
    readonly sessionId: string,
    private readonly output: (message: JSONRPCMessage) => void,
    requestTimeoutMs: number,
    /** Told once when initialize has been answered with a result. */
    private readonly onInitialized: (initialized: McpChannelInitialized) => void,
    /** Called once when the transport closes, after the protocol's own `onclose`. */
    private readonly onClosed?: () => void,
  ) {
    this.deadlines = new RequestDeadlines(
      requestTimeoutMs,
      (message) => this.onmessage?.(message),
      (message) => void this.send(message),
    );
  }

  get pendingRequests(): number {
    return this.deadlines.size;
  }

  /** What `maxStreamsPerSession` counts: the requests still waiting for their answer. */
  get inFlight(): number {
    return this.pendingRequests;
  }

  /** The channel itself, while it is open: it carries every answer, so an idle session is never swept. */
  get openStreams(): number {
    return this.closed ? 0 : 1;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Nothing to end early: the channel carries the answers still to come; the session closes after the drain. */
  endStandalone(): void {}

  async start(): Promise<void> {}

  /** Hands a message from the client to the protocol, with `store` as its request context. */
  receive(message: JSONRPCMessage, store: McpRequestContextStore): void {
    if (this.closed) return;
    if (isRequest(message)) {
      this.deadlines.start(message.id);
      if (message.method === 'initialize') this.initialize = { id: message.id, params: ((message as { params?: Record<string, unknown> }).params ?? {}) };
    }
    if ('method' in message && message.method === 'notifications/cancelled') {
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (requestId !== undefined) this.deadlines.stop(requestId);
    }
    runInMcpRequestContext(store, () => this.onmessage?.(message));
  }

  requestSettled(_id: RequestId): void {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    if (isResponse(message)) {
      this.deadlines.stop(message.id);
      if (this.initialize && message.id === this.initialize.id) {
        const { params } = this.initialize;
        this.initialize = undefined;
        const result = (message as { result?: { protocolVersion?: string } }).result;
        if (result) this.onInitialized({ params, protocolVersion: result.protocolVersion });
      }
    }
    this.output(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deadlines.clear();
    this.onclose?.();
    this.onClosed?.();
  }
}
