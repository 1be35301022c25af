import { Injectable, Logger } from '@nestjs/common';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { runInMcpRequestContext, type McpRequestContextStore } from '../context/request-context.js';
import { McpLifecycle } from '../lifecycle/mcp-lifecycle.js';
import type { Rev2026Message } from './rev-2026-message.js';
import { Rev2026Dispatcher } from './rev-2026.dispatcher.js';
import { Rev2026ExchangeTransport, type Rev2026Response } from './rev-2026-exchange.transport.js';

const logger = new Logger('McpRev2026');

/**
 * The answer of one 2026-07-28 request on a channel that is not HTTP: what the exchange transport writes (progress,
 * log messages, then the result) goes to the channel's output in order; after the result, or once ended, nothing.
 */
class Rev2026ChannelResponse implements Rev2026Response {
  private resolveDone!: (message: JSONRPCMessage | undefined) => void;
  private over = false;
  readonly done = new Promise<JSONRPCMessage | undefined>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly output: (message: JSONRPCMessage) => void) {}

  write(message: JSONRPCMessage): boolean {
    if (this.over) return false;
    this.output(message);
    return true;
  }

  finish(message: JSONRPCMessage): void {
    if (this.over) return;
    this.output(message);
    this.over = true;
    this.resolveDone(message);
  }

  end(): void {
    if (this.over) return;
    this.over = true;
    this.resolveDone(undefined);
  }
}

/**
 * The 2026-07-28 path on a channel that is not HTTP: each request is admitted by `McpLifecycle`, counted until it
 * ends, bounded by `requestTimeoutMs`, and served by a per-request SDK v2 `Server` on the same exchange transport as
 * over HTTP, whose output goes to the channel. (`subscriptions/listen` is HTTP-only for now: docs/stdio.md.)
 */
@Injectable()
export class Rev2026Channel {
  constructor(
    private readonly dispatcher: Rev2026Dispatcher,
    private readonly options: McpResolvedOptions,
    private readonly lifecycle: McpLifecycle,
  ) {}

  /** Serves one message; settles when its answer has gone out (at once for a notification). */
  async serve(message: Rev2026Message, revision: string, output: (message: JSONRPCMessage) => void, store: McpRequestContextStore): Promise<void> {
    const id = message.id;
    const error = (code: number, text: string) => output({ jsonrpc: '2.0', id: id!, error: { code, message: text } } as JSONRPCMessage);
    if (this.lifecycle.admitWork() !== 'open') return id === undefined ? undefined : error(McpErrorCode.ServerError, McpMessages.shuttingDown());
    if (id !== undefined && message.method === 'subscriptions/listen') return error(McpErrorCode.MethodNotFound, McpMessages.listenNeedsHttp());
    const response = new Rev2026ChannelResponse(output);
    const server = this.dispatcher.createServer();
    server.onerror = (failure) => logger.debug(failure.message);
    const transport = new Rev2026ExchangeTransport(revision, response);
    await server.connect(transport);
    if (id === undefined) {
      runInMcpRequestContext(store, () => transport.deliver(message));
      await server.close();
      return;
    }
    const hold = this.lifecycle.holdRequest(response);
    const ms = this.options.limits.requestTimeoutMs;
    const timer = ms
      ? setTimeout(() => {
          response.finish({ jsonrpc: '2.0', id, error: { code: McpErrorCode.RequestTimeout, message: McpMessages.requestTimedOut(ms) } } as JSONRPCMessage);
          void transport.close();
        }, ms)
      : undefined;
    timer?.unref();
    try {
      runInMcpRequestContext(store, () => transport.deliver(message));
      await response.done;
    } finally {
      clearTimeout(timer);
      hold.release();
    }
  }
}
