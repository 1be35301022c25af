import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { byteLength, jsonRpcChunks } from '../http/json-rpc-text.js';

export const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** One SSE frame carrying a JSON-RPC message, as chunks (cached list results stay the bytes they were cached as). */
export function sseFrame(message: JSONRPCMessage, eventId?: string): (string | Buffer)[] {
  return jsonRpcChunks(message, `event: message\n${eventId ? `id: ${eventId}\n` : ''}data: `, '\n\n');
}

/** Writes one SSE frame to an open event stream, its chunks together (one writev) when there are several. */
export function writeSseFrame(res: ServerResponse, message: JSONRPCMessage, eventId?: string): void {
  const chunks = sseFrame(message, eventId);
  if (chunks.length > 1) res.cork();
  for (const chunk of chunks) res.write(chunk);
  if (chunks.length > 1) res.uncork();
}

/**
 * The HTTP response that carries the answer to one POSTed request (or, for GET, the session's standalone
 * stream). In `json` mode it waits for the final message and writes it as one body; in `sse` mode it opens
 * an event stream on the first message, so progress and logs come first and the response last.
 */
export class McpResponseStream {
  private opened = false;
  private ended = false;
  private cursor = false;
  private keepAlive?: NodeJS.Timeout;
  private keepAliveStart?: NodeJS.Timeout;
  private resolveDone!: (message: JSONRPCMessage | undefined) => void;
  /** The final message written, or `undefined` when the stream ended without one (client gone, aborted). */
  readonly done = new Promise<JSONRPCMessage | undefined>((resolve) => (this.resolveDone = resolve));

  constructor(
    private readonly res: ServerResponse,
    private readonly mode: 'json' | 'sse',
    private readonly headers: OutgoingHttpHeaders,
  ) {
    res.once('close', () => this.closed());
  }

  /** Whether intermediate messages (progress, logs, server requests) can go on this response. */
  get canStream(): boolean {
    return this.mode === 'sse' && !this.ended;
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** Whether this response is an event stream (not one JSON body). */
  get isSse(): boolean {
    return this.mode === 'sse';
  }

  /** Whether the client got an event id on this response, so it can resume the stream with Last-Event-ID. */
  get hasCursor(): boolean {
    return this.cursor;
  }

  /** Opens the event stream now (GET streams), with a comment every `keepAliveMs` so proxies keep it. */
  openNow(keepAliveMs?: number): void {
    if (this.ended) return;
    this.ensureOpen();
    this.res.write(': stream open\n\n');
    if (keepAliveMs) this.startKeepAlive(keepAliveMs);
  }

  /**
   * SSE mode: if no answer has come after `ms`, opens the stream and sends a keep-alive comment every `ms`,
   * so that proxies do not drop a long request. JSON mode: nothing (the body is written once, at the end).
   */
  keepAliveAfter(ms: number): void {
    if (this.mode !== 'sse' || this.ended) return;
    this.keepAliveStart = setTimeout(() => {
      if (this.ended) return;
      this.ensureOpen();
      this.res.write(': keep-alive\n\n');
      this.startKeepAlive(ms);
    }, ms);
    this.keepAliveStart.unref();
  }

  private startKeepAlive(ms: number): void {
    this.keepAlive = setInterval(() => {
      if (!this.ended) this.res.write(': keep-alive\n\n');
    }, ms);
    this.keepAlive.unref();
  }

  /** Writes an intermediate message; false when the stream cannot carry it. */
  write(message: JSONRPCMessage, eventId?: string): boolean {
    if (!this.canStream) return false;
    this.ensureOpen();
    writeSseFrame(this.res, message, eventId);
    if (eventId) this.cursor = true;
    return true;
  }

  /**
   * Writes the priming event (SEP-1699): an event id with no data, so the client holds a cursor to resume from
   * even before the first message, and `retry` (ms), how long the client waits before reconnecting.
   */
  prime(eventId: string, retryMs?: number): void {
    if (!this.canStream) return;
    this.ensureOpen();
    this.res.write(`id: ${eventId}\n${retryMs !== undefined ? `retry: ${retryMs}\n` : ''}data: \n\n`);
    this.cursor = true;
  }

  /** Writes the final message (with its event id on a resumable stream) and ends the response. */
  finish(message: JSONRPCMessage, eventId?: string): void {
    if (this.ended) return;
    if (this.mode === 'json') {
      const chunks = jsonRpcChunks(message);
      this.res.writeHead(200, { ...this.headers, 'content-type': 'application/json', 'content-length': byteLength(chunks) });
      this.endWith(chunks);
    } else if (this.opened) {
      this.endWith(sseFrame(message, eventId));
    } else {
      // Answered before anything else was sent: the whole event stream is this one event, so it goes out with a
      // Content-Length in one write rather than chunked.
      const chunks = sseFrame(message, eventId);
      this.opened = true;
      this.res.writeHead(200, { ...this.headers, ...SSE_HEADERS, 'content-length': byteLength(chunks) });
      this.endWith(chunks);
    }
    this.settle(message);
  }

  /** Ends the response without a final message (e.g. the request was cancelled, or the session closed). */
  end(): void {
    if (this.ended) return;
    if (!this.res.headersSent) this.res.writeHead(this.mode === 'json' ? 204 : 200, this.opened ? {} : this.headers);
    this.res.end();
    this.settle(undefined);
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
    this.res.writeHead(200, { ...this.headers, ...SSE_HEADERS });
  }

  private closed(): void {
    this.settle(undefined);
  }

  private settle(message: JSONRPCMessage | undefined): void {
    clearInterval(this.keepAlive);
    clearTimeout(this.keepAliveStart);
    this.ended = true;
    this.resolveDone(message);
  }
}
