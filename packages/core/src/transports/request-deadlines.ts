import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';

/**
 * `limits.requestTimeoutMs` for a transport whose requests are not tied to one response each (the legacy SSE
 * transport): a timer per request; when one fires, the handler is cancelled (as by `notifications/cancelled`) and
 * the client gets -32001. The Streamable HTTP transport keeps its timer on the request's stream instead.
 */
export class RequestDeadlines {
  private readonly timers = new Map<RequestId, NodeJS.Timeout | undefined>();

  constructor(
    private readonly ms: number,
    /** Hands a message to the protocol (the cancellation). */
    private readonly toProtocol: (message: JSONRPCMessage) => void,
    /** Sends a message to the client (the timeout error). */
    private readonly toClient: (message: JSONRPCMessage) => void,
  ) {}

  /** Starts the clock of a request. */
  start(id: RequestId): void {
    if (this.timers.has(id)) return;
    const timer = this.ms ? setTimeout(() => this.expire(id), this.ms) : undefined;
    timer?.unref();
    this.timers.set(id, timer);
  }

  /** The request was answered or cancelled. */
  stop(id: RequestId): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  /** Whether the answer to request `id` is pending. */
  has(id: RequestId): boolean {
    return this.timers.has(id);
  }

  /** Ids of the requests whose answer is pending. */
  ids(): IterableIterator<RequestId> {
    return this.timers.keys();
  }

  /** Requests whose answer is pending. */
  get size(): number {
    return this.timers.size;
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private expire(id: RequestId): void {
    if (!this.timers.delete(id)) return;
    this.toProtocol({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'timeout' } });
    this.toClient({ jsonrpc: '2.0', id, error: { code: McpErrorCode.RequestTimeout, message: McpMessages.requestTimedOut(this.ms) } });
  }
}
