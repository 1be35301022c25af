import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, JSONRPCRequest, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import type { McpEventStore } from '../stores/mcp-event-store.js';
import type { McpBusMessage } from '../stores/mcp-message-bus.js';
import type { McpTransportRelay } from '../sessions/mcp-session-relay.js';
import { deadlineClock, type DeadlineWatcher } from './deadline-clock.js';
import { isJsonRpcResponse as isResponse } from './json-rpc-message.js';
import { TransportRelayLink } from './transport-relay-link.js';
import type { McpResponseWriter } from '../http/mcp-response-writer.js';
import { deliverTo, STANDALONE_STREAM_ID, type OutboundStream } from './outbound-stream.js';
import type { McpRequestTracker } from '../execution/mcp-dispatcher.js';
import type { McpProtocolMessageEntry, McpProtocolRequestEntry } from '../execution/protocol-request-entry.js';
import { SlotMap } from '../http/slot-map.js';

/** Resumable SSE streams (SEP-1699): where events are kept, and the `retry` sent with priming events. */
export interface TransportResumability {
  readonly store: McpEventStore;
  readonly retryMs?: number;
  /** Key of the session in the event store (namespaced by server). */
  readonly key: string;
}

export interface StreamableHttpTransportOptions {
  /** Longest time a request may wait for its answer; 0 or unset: no limit. */
  requestTimeoutMs?: number;
  /** Keep-alive comments on SSE responses that wait this long; 0 or unset: none. */
  keepAliveMs?: number;
  /** Resumable SSE streams; sessions only. */
  resumability?: TransportResumability;
}

/** Priming events (an id with empty data) go only to clients of 2025-11-25 or later; older ones may choke on them. */
const FIRST_VERSION_WITH_PRIMING = '2025-11-25';

/** Id of the initialize fed to a rebuilt session's protocol (`restore()`): no client request has it. */
const RESTORE_ID = '_restore';

/**
 * Our Streamable HTTP transport: a Node-native implementation of the SDK's `Transport`. The endpoint hands it
 * parsed messages with the response that should carry their answer; the SDK `Server` connected to it sends
 * responses and related messages back through `send()`, which writes them straight to that response.
 *
 * Messages related to a request go to that request's response; others (list-changed, resource updates,
 * server requests not tied to a request) go to the session's standalone GET stream, if one is open.
 *
 * With resumability (an event store, sessions only), every SSE event gets an id and is stored; a stream that the
 * client lost, or that the server closed (`closeSSEStream`), is resumed by a GET with Last-Event-ID. Sends then
 * go through a queue so events keep their order even when the store is asynchronous.
 */
export class StreamableHttpTransport implements Transport, McpRequestTracker, DeadlineWatcher {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  /** Where checked requests enter the connected protocol without `onmessage`'s classification (see protocolRequestEntry). */
  requestEntry?: McpProtocolRequestEntry;
  /** Where checked notifications and responses enter it, likewise (see protocolMessageEntry). */
  messageEntry?: McpProtocolMessageEntry;

  /** Request id → id of the stream that carries its answer. */
  // SlotMaps: a session's one pending request at a time costs no old-generation garbage (http/slot-map.ts).
  private readonly requests = new SlotMap<RequestId, string>();
  private readonly streams = new SlotMap<string, OutboundStream>();
  private streamCount = 0;
  /** Whether the process's deadline clock watches this transport (see `deadlinesDue`). */
  private watched = false;
  /** Resumable streams' sends, in order (made by the first one: most sessions are not resumable). */
  private queue?: Promise<unknown>;
  private closed = false;
  private initializeId?: RequestId;
  /** The protocol version negotiated by initialize (sessions). */
  private protocolVersion?: string;
  /** With a shared bus: the link to the session's connections in other processes (see `useRelay()`). */
  private relay?: TransportRelayLink;

  constructor(
    readonly sessionId?: string,
    /** Called once when the transport of a session closes, after the protocol's own `onclose` (one function for all sessions). */
    private readonly onClosed?: (sessionId: string) => void,
    private readonly options: StreamableHttpTransportOptions = {},
  ) {
    this.resumability = options.resumability;
  }

  private readonly resumability?: TransportResumability;

  async start(): Promise<void> {}

  /** Number of requests waiting for their response. */
  get pendingRequests(): number {
    return this.requests.size;
  }

  /** Open responses: requests waiting for their answer plus the standalone stream. */
  get openStreams(): number {
    return this.requests.size + (this.streams.get(STANDALONE_STREAM_ID)?.response?.isOpen ? 1 : 0);
  }

  /** What `maxStreamsPerSession` counts: the open responses. */
  get inFlight(): number {
    return this.openStreams;
  }

  /** Whether this connection holds the session's standalone stream (always, without a shared bus). */
  get holdsStandalone(): boolean {
    return !this.relay || this.streams.has(STANDALONE_STREAM_ID);
  }

  /** Links this connection to the session's connections in other processes (shared bus): see `TransportRelayLink`. */
  useRelay(relay: McpTransportRelay): void {
    this.relay = new TransportRelayLink(relay, {
      toProtocol: (message) => this.onmessage?.(message),
      toStandalone: (message) => void (this.streams.has(STANDALONE_STREAM_ID) && this.send(message, undefined, true)),
      standaloneMoved: () => {
        const stream = this.streams.get(STANDALONE_STREAM_ID);
        this.streams.delete(STANDALONE_STREAM_ID);
        stream?.response?.end();
      },
    });
  }

  /** A message from another connection of the session (see `useRelay()`). */
  relayed(message: McpBusMessage): void {
    if (!this.closed) this.relay?.received(message);
  }

  /**
   * Rebuilds the protocol state of a session opened by another process: the SDK Server is fed the session's
   * initialize and initialized notification (the answer goes nowhere: no stream waits for it).
   */
  restore(initialize: { protocolVersion: string; capabilities: object; clientInfo: object }): void {
    this.protocolVersion = initialize.protocolVersion;
    this.onmessage?.({ jsonrpc: '2.0', id: RESTORE_ID, method: 'initialize', params: initialize });
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  private get resumable(): boolean {
    return this.resumability !== undefined && this.sessionId !== undefined;
  }

  /**
   * Hands a request to the protocol; its answer goes to `response`. False if a request with that id is in flight.
   * `clientVersion`: the protocol version the HTTP request announced (used until the session has negotiated one).
   */
  handleRequest(message: JSONRPCRequest, response: McpResponseWriter, clientVersion?: string): boolean {
    if (this.requests.has(message.id)) return false;
    if (message.method === 'initialize') this.initializeId = message.id;
    const streamId = String(++this.streamCount);
    const stream: OutboundStream = { response, resumable: this.resumable && response.isSse, requestId: message.id, method: message.method };
    this.requests.set(message.id, streamId);
    this.streams.set(streamId, stream);
    const { requestTimeoutMs, keepAliveMs } = this.options;
    if (requestTimeoutMs) {
      stream.deadline = Date.now() + requestTimeoutMs;
      if (!this.watched) {
        this.watched = true;
        deadlineClock.watch(this, stream.deadline);
      }
    }
    if (keepAliveMs) response.keepAliveAfter(keepAliveMs);
    let extra: MessageExtraInfo | undefined;
    if (stream.resumable) {
      if (this.canPrime(clientVersion)) this.enqueue(() => this.prime(streamId, response));
      // Through the queue, so the stream closes after the priming event and the messages sent before.
      extra = {
        closeSSEStream: () => void this.enqueue(() => this.closeStream(streamId)),
        closeStandaloneSSEStream: () => void this.enqueue(() => this.closeStream(STANDALONE_STREAM_ID)),
      };
    }
    if (this.requestEntry) this.requestEntry(message, extra);
    else this.onmessage?.(message, extra);
    // After the hand-over: a response closed already (the client left while guards ran) cancels a known request.
    response.onDone(() => this.detach(streamId, stream, response));
    return true;
  }

  /** Hands a notification or a response (to a server request) to the protocol. */
  handleMessage(message: JSONRPCMessage): void {
    // With a shared bus, an answer to another process's connection's request goes there; ours gets its own id back.
    const mine = this.relay ? this.relay.incoming(message) : message;
    if (!mine) return;
    if (this.messageEntry) this.messageEntry(mine);
    else this.onmessage?.(mine);
    // A cancelled request gets no response from the protocol: end the HTTP response that waits for it.
    if ('method' in message && message.method === 'notifications/cancelled') {
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      const streamId = requestId !== undefined ? this.requests.get(requestId) : undefined;
      if (streamId === undefined) return;
      this.requests.delete(requestId!);
      const stream = this.streams.get(streamId);
      this.streams.delete(streamId);
      stream?.response?.end();
    }
  }

  /**
   * `requestTimeoutMs`: the process's deadline clock, not a timer per request (a timer made and cleared for every
   * call is a noticeable part of a short one) nor per transport (an idle session would hold it). Called by the
   * clock when the earliest deadline it knows of is due: times out the requests past theirs, and says when the next
   * one is; with nothing pending the transport is no longer watched, until its next request.
   */
  deadlinesDue(now: number): number | undefined {
    const ms = this.options.requestTimeoutMs;
    let next = Infinity;
    if (!this.closed && ms) {
      for (const [id, streamId] of this.requests) {
        const deadline = this.streams.get(streamId)?.deadline;
        if (deadline === undefined) continue;
        if (deadline <= now) this.timeOut(id, streamId, ms);
        else next = Math.min(next, deadline);
      }
    }
    if (next !== Infinity) return next;
    this.watched = false;
    return undefined;
  }

  /** A request past its time: its handler is aborted (as if cancelled) and the caller gets an error. */
  private timeOut(id: RequestId, streamId: string, ms: number): void {
    if (this.closed || this.requests.get(id) !== streamId) return;
    const stream = this.streams.get(streamId);
    if (stream) stream.deadline = undefined;
    if (stream?.abandoned) return this.drop(id, streamId);
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'timeout' } });
    void this.send({ jsonrpc: '2.0', id, error: { code: McpErrorCode.RequestTimeout, message: McpMessages.requestTimedOut(ms) } });
  }

  /** The dispatcher's handler of a request settled (see `McpRequestTracker`): an abandoned request stops counting. */
  requestSettled(id: RequestId): void {
    const streamId = this.requests.get(id);
    const stream = streamId !== undefined ? this.streams.get(streamId) : undefined;
    if (!stream) return;
    if (stream.abandoned) this.drop(id, streamId!);
    else stream.settled = true;
  }

  private drop(id: RequestId, streamId: string): void {
    this.requests.delete(id);
    this.streams.delete(streamId);
  }

  /** Ends the standalone stream, if open (shutdown: the client may reconnect elsewhere). */
  endStandalone(): void {
    this.streams.get(STANDALONE_STREAM_ID)?.response?.end();
  }

  /**
   * Attaches a GET stream: the session's standalone stream, or — with `lastEventId` on a resumable session — the
   * stream that event belongs to, after replaying the events the client missed (a stream whose request was
   * answered meanwhile ends after the replay; a connection still held for that stream is replaced). An unknown or
   * expired id opens the standalone stream. False if the standalone stream is wanted and already has an open response.
   */
  attachStream(response: McpResponseWriter, lastEventId?: string, clientVersion?: string): boolean | Promise<boolean> {
    if (!this.resumable) return this.attachStandalone(response, false);
    return this.enqueue(async () => {
      if (this.closed) return false;
      if (lastEventId !== undefined) {
        const replayed: [string, JSONRPCMessage][] = [];
        const streamId = await this.resumability!.store.replayAfter(this.resumability!.key, lastEventId, (id, message) => {
          replayed.push([id, message]);
        });
        if (this.closed) return false;
        if (streamId !== undefined) return this.resume(streamId, response, replayed);
      }
      if (!this.attachStandalone(response, true)) return false;
      if (this.canPrime(clientVersion)) await this.prime(STANDALONE_STREAM_ID, response);
      return true;
    });
  }

  /** `relayed`: the message comes from another connection of the session (its ids are set, it goes no further). */
  async send(message: JSONRPCMessage, options?: TransportSendOptions, relayed = false): Promise<void> {
    if (this.relay && !relayed) message = this.relay.outgoing(message);
    if (this.resumable) return this.enqueue(() => this.route(message, options, relayed));
    return this.route(message, options, relayed);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    deadlineClock.unwatch(this);
    for (const { response } of this.streams.values()) response?.end();
    this.streams.clear();
    this.requests.clear();
    if (this.resumable) await Promise.resolve(this.resumability!.store.deleteSession(this.resumability!.key)).catch(() => undefined);
    this.onclose?.();
    if (this.sessionId !== undefined) this.onClosed?.(this.sessionId);
  }

  /** Sends one message to the stream it belongs to; stores it first on a resumable stream. */
  private route(message: JSONRPCMessage, options?: TransportSendOptions, relayed = false): void | Promise<void> {
    if (this.closed) return;
    const response = isResponse(message);
    const requestId = response ? message.id : options?.relatedRequestId;
    let streamId = requestId !== undefined ? this.requests.get(requestId) : undefined;
    let stream = streamId !== undefined ? this.streams.get(streamId) : undefined;
    if (response) {
      if (!stream) return;
      if (message.id === this.initializeId && 'result' in message) this.protocolVersion = String((message.result as { protocolVersion?: unknown }).protocolVersion);
      this.requests.delete(message.id);
      this.streams.delete(streamId!);
    } else if (!stream || (!stream.resumable && !stream.response?.canStream)) {
      // Not tied to a request, or its response cannot carry it (JSON mode, ended): the standalone stream.
      // Except progress: it only means something before the response, and on another connection it can arrive
      // after it (clients then report an unknown progress token), so it is not sent when its response can't carry it.
      if (stream && 'method' in message && message.method === 'notifications/progress') return;
      streamId = STANDALONE_STREAM_ID;
      stream = this.streams.get(streamId);
      // With a shared bus, the standalone stream may be held by another process's connection of the session.
      if (!stream) return void (!relayed && this.relay?.toClient(message));
    }
    if (!stream.resumable) return deliverTo(stream, message, response);
    const target = stream;
    const eventId = this.resumability!.store.append(this.resumability!.key, streamId!, message);
    return typeof eventId === 'string' ? deliverTo(target, message, response, eventId) : eventId.then((id) => deliverTo(target, message, response, id));
  }

  private attachStandalone(response: McpResponseWriter, resumable: boolean): boolean {
    const current = this.streams.get(STANDALONE_STREAM_ID);
    if (current?.response?.isOpen) return false;
    const stream: OutboundStream = current ?? { resumable };
    stream.response = response;
    this.streams.set(STANDALONE_STREAM_ID, stream);
    if (!current) this.relay?.holdStandalone();
    response.onDone(() => this.detach(STANDALONE_STREAM_ID, stream, response));
    return true;
  }

  /**
   * Replays missed events on a new response and, if the stream is still live, attaches the response to it. A
   * connection the server still holds for that stream is replaced: the client proved with the event id that it
   * is the one reading the stream, and a reconnecting client's old connection is usually dead already.
   */
  private resume(streamId: string, response: McpResponseWriter, replayed: [string, JSONRPCMessage][]): boolean {
    const live = this.streams.get(streamId);
    for (const [eventId, message] of replayed) response.write(message, eventId);
    if (!live) {
      if (streamId === STANDALONE_STREAM_ID) return this.attachStandalone(response, true);
      // The request was answered while the client was away (its answer was in the replay): the stream is over.
      response.end();
      return true;
    }
    const predecessor = live.response;
    live.response = response;
    predecessor?.end();
    response.onDone(() => this.detach(streamId, live, response));
    return true;
  }

  /** Whether the client understands priming events: by the session's negotiated version, else the request's. */
  private canPrime(clientVersion: string | undefined): boolean {
    const version = this.protocolVersion ?? clientVersion;
    return version !== undefined && version >= FIRST_VERSION_WITH_PRIMING;
  }

  private async prime(streamId: string, response: McpResponseWriter): Promise<void> {
    if (this.closed || !response.canStream) return;
    const eventId = await this.resumability!.store.append(this.resumability!.key, streamId, null);
    response.prime(eventId, this.resumability!.retryMs);
  }

  /** Ends the HTTP response of a resumable stream whose client holds a cursor; the client reconnects to resume. */
  private closeStream(streamId: string): void {
    const response = this.streams.get(streamId)?.response;
    if (response?.hasCursor) response.end();
  }

  /**
   * The HTTP response of a stream ended. A resumable stream waits for its client. A request whose client left
   * before its answer is cancelled (its handler's signal aborts) and keeps counting as pending until the handler
   * settles or its time is up, so `maxStreamsPerSession` holds; any other stream is dropped.
   */
  private detach(streamId: string, stream: OutboundStream, response: McpResponseWriter): void {
    if (stream.response !== response) return;
    stream.response = undefined;
    if (stream.resumable || this.streams.get(streamId) !== stream) return;
    const id = stream.requestId;
    if (id !== undefined && !this.closed && this.requests.get(id) === streamId && !stream.settled && stream.method !== 'initialize') {
      stream.abandoned = true;
      this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'client disconnected' } });
      return;
    }
    this.streams.delete(streamId);
    if (id !== undefined) this.requests.delete(id);
  }

  private enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    const run = (this.queue ?? Promise.resolve()).then(task);
    this.queue = run.catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
    return run;
  }
}
