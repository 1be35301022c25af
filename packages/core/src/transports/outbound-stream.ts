import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { McpResponseWriter } from '../http/mcp-response-writer.js';

/** Stream id of the session's standalone GET stream (POST streams are numbered). */
export const STANDALONE_STREAM_ID = '_GET';

/**
 * One logical SSE stream of the session: the answer stream of one POSTed request, or the standalone GET stream.
 * A resumable stream outlives the HTTP response carrying it: while the client is away its events are stored,
 * and a reconnection with Last-Event-ID attaches a new response.
 */
export interface OutboundStream {
  response?: McpResponseWriter;
  readonly resumable: boolean;
  /** The request this stream answers (POST streams). */
  readonly requestId?: RequestId;
  /** Its method: `initialize` is answered by the SDK itself, every other request by the dispatcher. */
  readonly method?: string;
  /** When the request has waited `requestTimeoutMs` for its answer (ms since the epoch); see the transport's `deadlinesDue`. */
  deadline?: number;
  /** The dispatcher's handler for the request has settled. */
  settled?: boolean;
  /** The client left before the answer: the handler was cancelled, and the request counts until it settles. */
  abandoned?: boolean;
}

/** Writes a message on a stream's response: the final one (an answer) ends it. */
export function deliverTo(stream: OutboundStream, message: JSONRPCMessage, answer: boolean, eventId?: string): void {
  if (answer) stream.response?.finish(message, eventId);
  else stream.response?.write(message, eventId);
}
