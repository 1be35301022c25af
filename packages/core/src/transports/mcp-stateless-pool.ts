import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHttpTransport } from './streamable-http.transport.js';
import { closeProtocol } from '../sessions/close-protocol.js';

/** A protocol connection that serves stateless requests: an SDK Server bound to the dispatcher, on our transport. */
export interface McpStatelessConnection {
  readonly server: Server;
  readonly transport: StreamableHttpTransport;
}

/**
 * Methods whose handling leaves nothing behind in the connection (no client capabilities, log level or
 * subscriptions): a connection that answered one of them serves the next stateless request as a fresh one would.
 */
const LEAVES_NO_STATE = new Set([
  'tools/call',
  'tools/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'ping',
]);

/**
 * Reuses protocol connections between stateless requests, instead of building an SDK Server, connecting it
 * and closing it for every POST (closing aborts its request controllers and builds an error with a stack
 * trace each time). One connection serves one request at a time; it goes back to the pool only when its
 * request was answered and left no state, otherwise it is closed, which aborts whatever still runs on it.
 */
export class McpStatelessPool {
  private readonly idle: McpStatelessConnection[] = [];

  constructor(
    private readonly open: () => Promise<McpStatelessConnection>,
    /** Idle connections kept; more are closed. About the number of requests served at once. */
    private readonly maxIdle = 64,
  ) {}

  get size(): number {
    return this.idle.length;
  }

  /** An idle connection at once (no promise made for it), else a new one. */
  acquire(): McpStatelessConnection | Promise<McpStatelessConnection> {
    return this.idle.pop() ?? this.open();
  }

  /** Hands a connection back after its request: `answered` is false when it ended without a response. */
  release(connection: McpStatelessConnection, method: string, answered: boolean): void {
    if (!answered || !LEAVES_NO_STATE.has(method) || this.idle.length >= this.maxIdle) {
      void connection.server.close().catch(() => undefined);
      return;
    }
    // The SDK forgets the request (its abort controller) right after the response is sent: wait for that. One
    // immediate for the connections released meanwhile, not one (and a closure) per request.
    this.returning.push(connection);
    if (this.returning.length === 1) setImmediate(this.takeBack);
  }

  private readonly returning: McpStatelessConnection[] = [];

  private readonly takeBack = (): void => {
    for (const connection of this.returning.splice(0)) {
      if (connection.transport.pendingRequests === 0 && this.idle.length < this.maxIdle) this.idle.push(connection);
      else void closeProtocol(connection.server, connection.transport).catch(() => undefined);
    }
  };

  /** Closes the idle connections (application shutdown). */
  async closeAll(): Promise<void> {
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((connection) => closeProtocol(connection.server, connection.transport).catch(() => undefined)));
  }
}
