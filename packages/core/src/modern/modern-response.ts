import type { ServerResponse } from 'node:http';

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * The HTTP response of one 2026-07-28 request: a single JSON body, unless something (progress, a log
 * message) is sent before the result, in which case it becomes an SSE stream that ends with the result.
 * Written straight to Node's response.
 */
export class ModernResponse {
  private streaming = false;
  private ended = false;
  private keepAlive?: NodeJS.Timeout;
  private readonly abandonedListeners: (() => void)[] = [];

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => this.settle(true));
  }

  get isOpen(): boolean {
    return !this.ended && !this.res.writableEnded && !this.res.destroyed;
  }

  /** Calls `listener` if the response ends without a final message: the client went away, or `end()`. */
  onAbandoned(listener: () => void): void {
    this.abandonedListeners.push(listener);
  }

  /** Opens the event stream now (subscriptions/listen), with a comment every `keepAliveMs`. */
  openStream(keepAliveMs?: number): void {
    this.ensureStream();
    if (keepAliveMs) {
      this.keepAlive = setInterval(() => this.res.write(': keep-alive\n\n'), keepAliveMs);
      this.keepAlive.unref();
    }
  }

  /** An intermediate message: switches to SSE. */
  write(message: unknown): void {
    if (!this.isOpen) return;
    this.ensureStream();
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** The final message; `status` applies only while nothing was streamed yet. */
  finish(message: unknown, status = 200): void {
    if (!this.isOpen) return;
    if (this.streaming) {
      this.res.end(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    } else {
      const payload = JSON.stringify(message);
      this.res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      this.res.end(payload);
    }
    this.settle(false);
  }

  /** Ends the response without a final message. */
  end(): void {
    if (this.ended) return;
    if (this.res.writableEnded || this.res.destroyed) return this.settle(true);
    if (!this.res.headersSent) this.res.writeHead(this.streaming ? 200 : 204);
    this.res.end();
    this.settle(true);
  }

  private ensureStream(): void {
    if (this.streaming) return;
    this.streaming = true;
    this.res.writeHead(200, SSE_HEADERS);
    this.res.flushHeaders();
  }

  private settle(abandoned: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    if (abandoned) for (const listener of this.abandonedListeners.splice(0)) listener();
  }
}
