import { PerRequestHTTPServerTransport as PerRequestHTTPServerTransportV2 } from '@modelcontextprotocol/server';
import type { JSONRPCMessage as JSONRPCMessageV2, TransportSendOptions as TransportSendOptionsV2 } from '@modelcontextprotocol/server';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import type { McpResponseWriter } from '../http/mcp-response-writer.js';
import type { Rev2026Message } from './rev-2026-message.js';

/** HTTP status of errors the protocol answers before any handler ran (the spec's validation ladder). */
const LADDER_STATUS: Record<number, number> = {
  [McpErrorCode.ParseError]: 400,
  [McpErrorCode.InvalidRequest]: 400,
  [McpErrorCode.MethodNotFound]: 404,
  [McpErrorCode.UnsupportedProtocolVersion]: 400,
  [McpErrorCode.MissingClientCapability]: 400,
  [McpErrorCode.HeaderMismatch]: 400,
};

/**
 * What the transport needs of the response that carries one exchange: `McpResponseWriter` over HTTP, a
 * `Rev2026ChannelResponse` on a channel that is not HTTP (stdio, the testing kit's in-memory channel).
 */
export type Rev2026Response = Pick<McpResponseWriter, 'write' | 'finish' | 'end' | 'done'>;

function isResponse(message: JSONRPCMessageV2): message is Extract<JSONRPCMessageV2, { id: string | number }> {
  return 'result' in message || 'error' in message;
}

/**
 * Our Node-native transport for one 2026-07-28 exchange, driving the official SDK v2 `Server`: the endpoint
 * hands it the classified message and the response writer (`auto` mode); whatever the server sends for that
 * request (progress, log messages, the result) is written straight to the response, with no Web Request/Response.
 * A response that ends without its result (the client left, the request timed out) closes the transport, which
 * aborts the handler's signal.
 *
 * It extends the SDK's per-request transport only so that `Server.connect()` binds the instance to the
 * classified revision (the SDK recognises its own per-request transport for that); every method that
 * touches the wire is ours.
 */
export class Rev2026ExchangeTransport extends PerRequestHTTPServerTransportV2 {
  private requestId?: string | number;
  private inDispatch = false;
  private terminal = false;
  private done = false;
  private readonly revision: string;

  constructor(
    revision: string,
    private readonly response: Rev2026Response,
  ) {
    super({ classification: { era: 'modern', revision } });
    this.revision = revision;
  }

  override async start(): Promise<void> {}

  /** Hands the message to the connected server; a request's answer goes to the response. */
  deliver(message: Rev2026Message): void {
    this.requestId = message.id;
    if (message.id !== undefined) void this.response.done.then((answer) => {
        if (answer === undefined) void this.close();
      });
    this.inDispatch = true;
    try {
      this.onmessage?.(message as unknown as JSONRPCMessageV2, { classification: { era: 'modern', revision: this.revision } });
    } finally {
      this.inDispatch = false;
    }
  }

  override async send(message: JSONRPCMessageV2, options?: TransportSendOptionsV2): Promise<void> {
    if (this.done) return;
    const related = isResponse(message) ? message.id : options?.relatedRequestId;
    if (this.requestId === undefined || related !== this.requestId) return;
    if (!isResponse(message)) {
      this.response.write(message as unknown as JSONRPCMessage);
      return;
    }
    if (this.terminal) return;
    this.terminal = true;
    const code = 'error' in message ? (message.error as { code?: number }).code : undefined;
    const ladder = code !== undefined && (this.inDispatch || code === McpErrorCode.MissingClientCapability) ? LADDER_STATUS[code] : undefined;
    this.response.finish(message as unknown as JSONRPCMessage, undefined, ladder ?? 200);
    queueMicrotask(() => void this.close());
  }

  override async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.response.end();
    this.onclose?.();
  }
}
