import type { McpSessionState } from '../context/mcp-session-state.js';
import type { McpListKind } from '../registry/mcp-registry.types.js';
import type { McpBusMessage } from '../stores/mcp-message-bus.js';
import type { McpSessionRecord, McpSessionTransportKind } from '../stores/mcp-session-store.js';
import type { McpClosableProtocol } from './close-protocol.js';
import type { McpSessionLink, McpTransportRelay } from './mcp-session-relay.js';

/** What the session service needs of a session's transport (ours, on either 2025 transport). */
export interface McpSessionTransport {
  /** Requests waiting for their answer (a request whose client left counts until its handler settles). */
  readonly pendingRequests: number;
  /** Open responses: streams and requests waiting for their answer. */
  readonly openStreams: number;
  /**
   * What `maxStreamsPerSession` counts: Streamable HTTP, its open responses; legacy SSE, whose one stream is the
   * session itself, its requests still running (each until its handler settles).
   */
  readonly inFlight: number;
  /** Ends the streams that carry no answer (shutdown: the client may reconnect elsewhere). */
  endStandalone(): void;
  /**
   * With a shared bus: whether this connection holds the session's standalone stream (the one connection of the
   * session, over all processes, that sends registry notifications). Absent: it always does.
   */
  readonly holdsStandalone?: boolean;
  /** With a shared bus: the link to the other processes' connections of the session. */
  useRelay?(relay: McpTransportRelay): void;
  /** With a shared bus: a message from another process's connection of the session. */
  relayed?(message: McpBusMessage): void;
}

/** What the session service needs of a session's protocol server (the SDK `Server` has all of it). */
export interface McpSessionProtocol extends McpClosableProtocol {
  sendToolListChanged(): Promise<void>;
  sendPromptListChanged(): Promise<void>;
  sendResourceListChanged(): Promise<void>;
  sendResourceUpdated(params: { uri: string }): Promise<void>;
}

/** What a transport gives the session service to open a session. */
export interface McpSessionInit {
  readonly id: string;
  readonly kind: McpSessionTransportKind;
  readonly transport: McpSessionTransport;
  readonly server: McpSessionProtocol;
  readonly state: McpSessionState;
  /** The principal that opens it (on servers with auth); only it may use the session. */
  readonly owner?: string;
  /** Whom the per-caller cap counts it for (the principal, or the client address). */
  readonly callerKey?: string;
  /**
   * What initialize negotiates, known before its answer is written: in the record from the start, so that a next
   * request the client sends to another process finds a session it can rebuild.
   */
  readonly negotiated?: Pick<McpSessionRecord, 'protocolVersion' | 'clientInfo' | 'clientCapabilities'>;
  /** The record it was rebuilt from (a session opened by another process, served here from the shared store). */
  readonly restored?: McpSessionRecord;
}

/** One session in this process: its live objects (the connection) beside what its record says. */
export interface McpSession extends Omit<McpSessionInit, 'negotiated' | 'restored'> {
  /** Its key in the session store. */
  readonly key: string;
  lastSeen: number;
  /** When the store's record was last renewed. */
  touchedAt: number;
  /** Its session channel, with a shared bus. */
  link?: McpSessionLink;
}

/** Rebuilds the connection of a session opened by another process, from its record (given by a transport). */
export type McpSessionRebuilder = (record: McpSessionRecord) => Promise<McpSession | undefined>;

export function notifyListChanged(server: McpSessionProtocol, kind: McpListKind): Promise<void> {
  return kind === 'tools' ? server.sendToolListChanged() : kind === 'prompts' ? server.sendPromptListChanged() : server.sendResourceListChanged();
}
