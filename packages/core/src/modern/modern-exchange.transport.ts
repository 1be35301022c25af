import { PerRequestHTTPServerTransport as PerRequestHTTPServerTransportV2 } from '@modelcontextprotocol/server';
import type { JSONRPCMessage as JSONRPCMessageV2, TransportSendOptions as TransportSendOptionsV2 } from '@modelcontextprotocol/server';
import type { ModernMessage } from './protocol-era.js';
import type { ModernResponse } from './modern-response.js';

/** HTTP status of errors the protocol answers before any handler ran (the spec's validation ladder). */
const LADDER_STATUS: Record<number, number> = { [-32700]: 400, [-32600]: 400, [-32601]: 404, [-32022]: 400, [-32021]: 400, [-32020]: 400 };
const MISSING_CLIENT_CAPABILITY = -32021;

function isResponse(message: JSONRPCMessageV2): message is Extract<JSONRPCMessageV2, { id: string | number }> {
  return 'result' in message || 'error' in message;
}

/**
 * Our Node-native transport for one 2026-07-28 exchange, driving the official SDK v2 `Server`: the endpoint
 * hands it the classified message and the Node response; whatever the server sends for that request
 * (progress, log messages, the result) is written straight to the response, with no Web Request/Response.
 *
 * It extends the SDK's per-request transport only so that `Server.connect()` binds the instance to the
 * classified revision (the SDK recognises its own per-request transport for that); every method that
 * touches the wire is ours.
 */
export class ModernExchangeTransport extends PerRequestHTTPServerTransportV2 {
  private requestId?: string | number;
  private inDispatch = false;
  private terminal = false;
  private done = false;
  private readonly revision: string;

  constructor(
    revision: string,
    private readonly response: ModernResponse,
  ) {
    super({ classification: { era: 'modern', revision } });
    this.revision = revision;
  }

  override async start(): Promise<void> {}

  /** Hands the message to the connected server; a request's answer goes to the response. */
  deliver(message: ModernMessage): void {
    this.requestId = message.id;
    if (message.id !== undefined) this.response.onAbandoned(() => void this.close());
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
      this.response.write(message);
      return;
    }
    if (this.terminal) return;
    this.terminal = true;
    const code = 'error' in message ? (message.error as { code?: number }).code : undefined;
    const ladder = code !== undefined && (this.inDispatch || code === MISSING_CLIENT_CAPABILITY) ? LADDER_STATUS[code] : undefined;
    this.response.finish(message, ladder ?? 200);
    queueMicrotask(() => void this.close());
  }

  override async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.response.end();
    this.onclose?.();
  }
}
