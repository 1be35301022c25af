import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isResponseClosed } from './http-exchange.js';
import { byteLength, jsonRpcChunks } from './json-rpc-text.js';
import { sharedDelayGroup, type Delayed, type DelayGroup } from './delay-group.js';
import type { Linked, LinkedList } from './linked-list.js';
import { watchResponseClose, type ResponseCloseWatcher } from './response-close.js';

export const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** SSE_HEADERS as the flat name, value list `writeHead` takes. */
const SSE_HEADER_LIST = Object.entries(SSE_HEADERS).flat() as OutgoingHttpHeader[];

/**
 * `headers` and then `more` as one flat name, value list for `writeHead`. Not `{ ...headers, ...more }`: V8 gives
 * every object a spread makes a hidden class of its own (and `writeHead` then an `Object.keys` enum cache for it),
 * both made in the old generation: ~400 B of old-generation garbage per response (bench/profile-hot/run.mjs
 * --alloc-prof --promoted), which brought mark-compact pauses into the open-loop p99. Names with an undefined
 * value are left out (`setHeader` would throw on them).
 */
function headerList(headers: OutgoingHttpHeaders, more: readonly OutgoingHttpHeader[]): OutgoingHttpHeader[] {
  const list: OutgoingHttpHeader[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) list.push(name, value);
  }
  for (const item of more) list.push(item);
  return list;
}

const KEEP_ALIVE = ': keep-alive\n\n';

/** The group of the keep-alive delay last asked for (there is usually one): no key to build and look up per request. */
let keepAliveGroup: DelayGroup<McpResponseWriter> | undefined;

function keepAliveDue(writer: McpResponseWriter): void {
  writer.startKeepAliveNow();
}

/** One SSE frame carrying a JSON-RPC message, as chunks (cached list results stay the bytes they were cached as). */
export function sseFrame(message: JSONRPCMessage, eventId?: string): (string | Buffer)[] {
  return jsonRpcChunks(message, `event: message\n${eventId ? `id: ${eventId}\n` : ''}data: `, '\n\n');
}

/**
 * How a response carries messages: `json`, one JSON body with the final message; `sse`, an event stream
 * (opened by the first message); `auto`, one JSON body unless something is sent before the final message, which
 * turns it into an event stream (2026-07-28 requests).
 */
type DoneListener = (message: JSONRPCMessage | undefined) => void;

export type McpResponseMode = 'json' | 'sse' | 'auto';

/**
 * The one writer of every MCP response, on every path (Streamable HTTP POST answers and GET streams, the legacy
 * SSE stream, 2026-07-28 requests and `subscriptions/listen`): SSE headers and framing, keep-alive comments,
 * JSON bodies, the final message, and the end. It notices a response that is already closed when it is made (the
 * client left while a guard or token verifier ran) as well as one that closes later: `done` then settles at once,
 * so whatever waits on it frees its resources. With `maxBufferBytes`, a client that stops reading cannot make the
 * server buffer without bound: past that many bytes waiting to be sent, the response is destroyed.
 */
export class McpResponseWriter implements ResponseCloseWatcher, Delayed {
  private opened = false;
  private ended = false;
  private cursor = false;
  private keepAlive?: NodeJS.Timeout;
  /** The group this response waits in for its keep-alive to start (its links and due time are below). */
  private keepAliveStart?: DelayGroup<McpResponseWriter>;
  prev?: Linked = undefined;
  next?: Linked = undefined;
  list?: LinkedList<Linked> = undefined;
  dueAt?: number = undefined;
  private keepAliveMs = 0;
  private final?: JSONRPCMessage;
  /** Told when the response ends (see `onDone`): one function, or several. */
  private waiting?: DoneListener | DoneListener[];
  private donePromise?: Promise<JSONRPCMessage | undefined>;

  constructor(
    private readonly res: ServerResponse,
    private readonly mode: McpResponseMode,
    private readonly headers: OutgoingHttpHeaders = {},
    /** Bytes allowed to wait in the response's buffers; beyond them the response is destroyed. `0`: no limit. */
    private readonly maxBufferBytes = 0,
  ) {
    if (isResponseClosed(res)) this.settle(undefined);
    else watchResponseClose(res, this);
  }

  /** The response closed (see `watchResponseClose`). */
  responseClosed(): void {
    this.settle(undefined);
  }

  /**
   * Settles when the response ends: with the final message written, or `undefined` when it ended without one
   * (client gone, aborted). Made when first asked for; `onDone` tells the same without a promise.
   */
  get done(): Promise<JSONRPCMessage | undefined> {
    return (this.donePromise ??= this.ended ? Promise.resolve(this.final) : new Promise((resolve) => this.onDone(resolve)));
  }

  /** Calls `listener` when the response ends (at once if it has), with what `done` settles with. */
  onDone(listener: DoneListener): void {
    if (this.ended) return listener(this.final);
    if (!this.waiting) this.waiting = listener;
    else if (typeof this.waiting === 'function') this.waiting = [this.waiting, listener];
    else this.waiting.push(listener);
  }

  /** Whether intermediate messages (progress, logs, server requests) can go on this response. */
  get canStream(): boolean {
    return this.mode !== 'json' && !this.ended;
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** Whether this response is (or will be) an event stream. */
  get isSse(): boolean {
    return this.mode === 'sse' || this.opened;
  }

  /** Whether the client got an event id on this response, so it can resume the stream with Last-Event-ID. */
  get hasCursor(): boolean {
    return this.cursor;
  }

  /** Opens the event stream now (GET streams), with `first` (an SSE comment or event) and keep-alive comments. */
  openNow(keepAliveMs?: number, first = ': stream open\n\n'): void {
    if (this.ended) return;
    this.ensureOpen();
    this.send(first);
    if (keepAliveMs) this.startKeepAlive(keepAliveMs);
  }

  /**
   * SSE mode: if no answer has come after `ms`, opens the stream and sends a keep-alive comment every `ms`,
   * so that proxies do not drop a long request. Other modes: nothing (the body is written once, at the end).
   */
  keepAliveAfter(ms: number): void {
    if (this.mode !== 'sse' || this.ended) return;
    // One timer for every response waiting with this delay (most are answered long before it).
    this.keepAliveMs = ms;
    if (keepAliveGroup?.ms !== ms) keepAliveGroup = sharedDelayGroup('keep-alive', ms, keepAliveDue);
    this.keepAliveStart?.delete(this);
    this.keepAliveStart = keepAliveGroup;
    keepAliveGroup.add(this);
  }

  /** No answer after the keep-alive delay: opens the stream and keeps it alive. */
  startKeepAliveNow(): void {
    this.keepAliveStart = undefined;
    if (this.ended) return;
    this.ensureOpen();
    this.send(KEEP_ALIVE);
    this.startKeepAlive(this.keepAliveMs);
  }

  /** Writes an intermediate message; false when the response cannot carry it. */
  write(message: JSONRPCMessage, eventId?: string): boolean {
    if (!this.canStream) return false;
    this.ensureOpen();
    const chunks = sseFrame(message, eventId);
    if (chunks.length > 1) this.res.cork();
    for (const chunk of chunks) this.res.write(chunk);
    if (chunks.length > 1) this.res.uncork();
    if (eventId) this.cursor = true;
    this.checkBuffer();
    return true;
  }

  /**
   * Writes the priming event (SEP-1699): an event id with no data, so the client holds a cursor to resume from
   * even before the first message, and `retry` (ms), how long the client waits before reconnecting.
   */
  prime(eventId: string, retryMs?: number): void {
    if (!this.canStream) return;
    this.ensureOpen();
    this.send(`id: ${eventId}\n${retryMs !== undefined ? `retry: ${retryMs}\n` : ''}data: \n\n`);
    this.cursor = true;
  }

  /**
   * Writes the final message (with its event id on a resumable stream) and ends the response. `status` applies
   * to a JSON body (`auto` mode, nothing streamed yet).
   */
  finish(message: JSONRPCMessage, eventId?: string, status = 200): void {
    if (this.ended) return;
    if (this.mode === 'json' || (this.mode === 'auto' && !this.opened)) {
      const chunks = jsonRpcChunks(message);
      this.res.writeHead(status, headerList(this.headers, ['content-type', 'application/json', 'content-length', byteLength(chunks)]));
      this.endWith(chunks);
    } else if (this.opened) {
      this.endWith(sseFrame(message, eventId));
    } else {
      // Answered before anything else was sent: the whole event stream is this one event, so it goes out with a
      // Content-Length in one write rather than chunked.
      const chunks = sseFrame(message, eventId);
      this.opened = true;
      this.res.writeHead(200, headerList(this.headers, [...SSE_HEADER_LIST, 'content-length', byteLength(chunks)]));
      this.endWith(chunks);
    }
    this.settle(message);
  }

  /** Ends the response without a final message (e.g. the request was cancelled, or the session closed). */
  end(): void {
    if (this.ended) return;
    if (!this.res.headersSent) this.res.writeHead(this.isSse ? 200 : 204, this.opened ? {} : this.headers);
    this.res.end();
    this.settle(undefined);
  }

  private startKeepAlive(ms: number): void {
    this.keepAlive = setInterval(() => {
      if (!this.ended) this.send(KEEP_ALIVE);
    }, ms);
    this.keepAlive.unref();
  }

  private send(text: string): void {
    this.res.write(text);
    this.checkBuffer();
  }

  /** A client that stopped reading: past the buffer limit the response is dropped (its events stay stored, if any). */
  private checkBuffer(): void {
    if (this.maxBufferBytes > 0 && this.res.writableLength > this.maxBufferBytes) {
      this.res.destroy();
      this.settle(undefined);
    }
  }

  /** Ends the response with chunks, written together (one writev) when there are several. */
  private endWith(chunks: (string | Buffer)[]): void {
    if (chunks.length === 1) return void this.res.end(chunks[0]);
    this.res.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.res.write(chunks[i]);
    this.res.end(chunks[chunks.length - 1]);
  }

  /**
   * Starts the event stream. The headers are not flushed on their own: every caller writes right after, so they
   * leave with the first event (and an answer written at once leaves as one write with a Content-Length).
   */
  private ensureOpen(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, headerList(this.headers, SSE_HEADER_LIST));
  }

  private settle(message: JSONRPCMessage | undefined): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAliveStart?.delete(this);
    if (this.ended) return;
    this.ended = true;
    this.final = message;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (typeof waiting === 'function') waiting(message);
    else if (waiting) for (const listener of waiting) listener(message);
  }
}
