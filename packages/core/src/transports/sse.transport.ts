import type { ServerResponse } from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { SSE_HEADERS, writeSseFrame } from './mcp-response-stream.js';

/**
 * Our legacy HTTP+SSE transport (MCP 2024-11-05): a Node-native implementation of the SDK's `Transport`,
 * one per SSE connection. The GET response is the only way to the client: the `endpoint` event first, then
 * every message the SDK `Server` sends (responses included), with keep-alive comments between them. Messages
 * from the client arrive in separate POSTs, which the endpoint hands to `handleMessage()`.
 *
 * The connection is the session: when the client goes away the transport closes, which aborts the requests
 * still running and lets the endpoint forget the session.
 */
export class SseTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  private closed = false;
  private keepAlive?: NodeJS.Timeout;

  constructor(
    readonly sessionId: string,
    private readonly res: ServerResponse,
    /** Where the client POSTs its messages (path and `?sessionId=`), sent in the `endpoint` event. */
    private readonly endpointUrl: string,
    private readonly keepAliveMs: number,
    /** Called once when the transport closes, after the protocol's own `onclose`. */
    private readonly onClosed?: () => void,
  ) {
    res.once('close', () => void this.close());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Opens the event stream and tells the client where to POST (called by `Server.connect()`). */
  async start(): Promise<void> {
    if (this.closed) return;
    this.res.writeHead(200, SSE_HEADERS);
    this.res.write(`event: endpoint\ndata: ${this.endpointUrl}\n\n`);
    if (this.keepAliveMs > 0) {
      this.keepAlive = setInterval(() => this.res.write(': keep-alive\n\n'), this.keepAliveMs);
      this.keepAlive.unref();
    }
  }

  /** Hands a message POSTed by the client to the protocol. */
  handleMessage(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    writeSseFrame(this.res, message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    if (!this.res.writableEnded) this.res.end();
    this.onclose?.();
    this.onClosed?.();
  }
}
