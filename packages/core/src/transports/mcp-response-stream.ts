import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { byteLength, jsonRpcChunks } from './json-rpc-text.js';

const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** One SSE frame carrying a JSON-RPC message. */
export function sseFrame(message: JSONRPCMessage, eventId?: string): (string | Buffer)[] {
  return jsonRpcChunks(message, `event: message\n${eventId ? `id: ${eventId}\n` : ''}data: `, '\n\n');
}

/**
 * The HTTP response that carries the answer to one POSTed request (or, for GET, the session's standalone
 * stream). In `json` mode it waits for the final message and writes it as one body; in `sse` mode it opens
 * an event stream on the first message, so progress and logs come first and the response last.
 */
export class McpResponseStream {
  private opened = false;
  private ended = false;
  private keepAlive?: NodeJS.Timeout;
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

  /** Opens the event stream now (GET streams), with a comment every `keepAliveMs` so proxies keep it. */
  openNow(keepAliveMs?: number): void {
    this.ensureOpen();
    this.res.write(': stream open\n\n');
    if (keepAliveMs) {
      this.keepAlive = setInterval(() => this.res.write(': keep-alive\n\n'), keepAliveMs);
      this.keepAlive.unref();
    }
  }

  /** Writes an intermediate message; false when the stream cannot carry it. */
  write(message: JSONRPCMessage, eventId?: string): boolean {
    if (!this.canStream) return false;
    this.ensureOpen();
    const chunks = sseFrame(message, eventId);
    if (chunks.length > 1) this.res.cork();
    for (const chunk of chunks) this.res.write(chunk);
    if (chunks.length > 1) this.res.uncork();
    return true;
  }

  /** Writes the final message and ends the response. */
  finish(message: JSONRPCMessage): void {
    if (this.ended) return;
    if (this.mode === 'json') {
      const chunks = jsonRpcChunks(message);
      this.res.writeHead(200, { ...this.headers, 'content-type': 'application/json', 'content-length': byteLength(chunks) });
      this.endWith(chunks);
    } else {
      this.ensureOpen();
      this.endWith(sseFrame(message));
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

  private ensureOpen(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, { ...this.headers, ...SSE_HEADERS });
    this.res.flushHeaders();
  }

  private closed(): void {
    this.settle(undefined);
  }

  private settle(message: JSONRPCMessage | undefined): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.ended = true;
    this.resolveDone(message);
  }
}
