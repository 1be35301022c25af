import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { writeRejection, type McpRejection } from '../http/mcp-rejection.js';
import { closeWithConnection, watchResponseClose, type ResponseCloseWatcher } from '../http/response-close.js';
import { LinkedList, ListNode } from '../http/linked-list.js';
import { OwnedStores } from './owned-stores.js';
import { McpSessions } from '../sessions/mcp-sessions.js';
import type { McpSessionTransport } from '../sessions/mcp-session.js';

/** Whether new work may start now, and if not, why. */
export type McpAdmission = 'open' | 'full' | 'capped' | 'draining';

/** A stream outside any session (a 2026-07-28 `subscriptions/listen` stream): ended when the server drains. */
export interface McpOpenStream {
  end(): void;
}

/** How often idle sessions are looked for, at most. */
const MAX_SWEEP_INTERVAL_MS = 60_000;
const DRAIN_POLL_MS = 25;
/** How long the last answers of a drain (503 to requests still being received) get to leave before their connection goes. */
const LAST_WORDS_MS = 100;
const logger = new Logger('McpLifecycle');

/** An HTTP exchange on the MCP routes held until its response closes (see `holdExchange`). */
class ExchangeHold extends ListNode implements ResponseCloseWatcher {
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    super();
  }

  responseClosed(): void {
    this.unlink();
  }
}

/** A request without a session, counted by the lifecycle until `release()` (see `holdRequest`). */
export class McpRequestHold extends ListNode {
  constructor(readonly response: McpOpenStream) {
    super();
  }

  release(): void {
    this.unlink();
  }
}

/**
 * The one admission and lifecycle path of an MCP server, for every transport: Streamable HTTP sessions, legacy SSE
 * sessions, stateless requests, 2026-07-28 requests and listen streams. It counts sessions against
 * `maxSessions` (both transports together) and `maxSessionsPerPrincipal`, open responses against
 * `maxStreamsPerSession`, refuses new work while draining, sweeps idle sessions, and on shutdown drains: no new
 * work, streams without answers ended, in-flight requests finished (up to `drainTimeoutMs`), then every session
 * and stream closed and the stores it made closed. Health reports from it.
 */
@Injectable()
export class McpLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private drainingSince?: number;
  private sweeper?: NodeJS.Timeout;
  /** Responses of requests served without a session (stateless 2025, 2026-07-28) that have not ended. */
  private readonly sessionless = new LinkedList<McpRequestHold>();
  /** Listen streams, with whom the per-caller cap counts each for. */
  private readonly openStreams = new Map<McpOpenStream, string | undefined>();
  private readonly streamsPerCaller = new Map<string, number>();
  /**
   * Every HTTP exchange on this server's MCP routes, from the gate until its response closes (`holdExchange`; a
   * list: one is added and removed per request, see LinkedList).
   */
  private readonly exchanges = new LinkedList<ExchangeHold>();
  private closed = false;

  constructor(
    private readonly options: McpResolvedOptions,
    private readonly sessions: McpSessions,
    private readonly ownedStores: OwnedStores,
  ) {}

  onModuleInit(): void {
    const idle = this.options.limits.sessionIdleTimeoutMs;
    if (idle > 0) {
      this.sweeper = setInterval(() => this.sessions.sweepIdle(), Math.max(10, Math.min(idle / 2, MAX_SWEEP_INTERVAL_MS)));
      this.sweeper.unref();
    }
  }

  /** Whether the server is shutting down (no new work). */
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /**
   * Whether a new session (of either transport) or a 2026-07-28 listen stream may open now, for the caller
   * `callerKey`. Both last as long as their client wants, so `maxSessions` and `maxSessionsPerPrincipal` count them
   * together.
   */
  admitSession(callerKey?: string): McpAdmission {
    if (this.draining) return 'draining';
    const { maxSessions, maxSessionsPerPrincipal } = this.options.limits;
    if (this.sessions.size + this.openStreams.size >= maxSessions) return 'full';
    if (maxSessionsPerPrincipal > 0 && callerKey !== undefined) {
      const held = this.sessions.countFor(callerKey) + (this.streamsPerCaller.get(callerKey) ?? 0);
      if (held >= maxSessionsPerPrincipal) return 'capped';
    }
    return 'open';
  }

  /** Open 2026-07-28 listen streams. */
  get listenStreams(): number {
    return this.openStreams.size;
  }

  /** Whether new work without a session (a stateless or 2026-07-28 request, a listen stream) may start now. */
  admitWork(): McpAdmission {
    return this.draining ? 'draining' : 'open';
  }

  /** Whether a session may open one more response, or (legacy SSE) start one more request (`maxStreamsPerSession`). */
  admitStream(transport: McpSessionTransport): boolean {
    const limit = this.options.limits.maxStreamsPerSession;
    return limit === 0 || transport.inFlight < limit;
  }

  /** The HTTP answer to a refused admission: 503 (full, draining) or 429 (caller cap), with Retry-After. */
  refusal(why: Exclude<McpAdmission, 'open'>, id: string | number | null = null): McpRejection {
    const headers = { 'retry-after': String(this.options.limits.retryAfterSeconds) };
    const message =
      why === 'full' ? McpMessages.tooManySessions() : why === 'capped' ? McpMessages.tooManySessionsForCaller(this.options.limits.maxSessionsPerPrincipal) : McpMessages.shuttingDown();
    return { status: why === 'capped' ? 429 : 503, code: McpErrorCode.ServerError, message, headers, id };
  }

  /** 503 with Retry-After when a store the request needs (a shared session store, its bus) cannot be reached. */
  storeRefusal(id: string | number | null = null): McpRejection {
    const headers = { 'retry-after': String(this.options.limits.retryAfterSeconds) };
    return { status: 503, code: McpErrorCode.ServerError, message: McpMessages.storeUnavailable(), headers, id };
  }

  /** 429 with Retry-After when a session already has `maxStreamsPerSession` open responses. */
  streamRefusal(headers: Record<string, unknown>, id: string | number | null): McpRejection {
    const limit = this.options.limits.maxStreamsPerSession;
    const retry = { ...headers, 'retry-after': String(this.options.limits.retryAfterSeconds) } as McpRejection['headers'];
    return { status: 429, code: McpErrorCode.ServerError, message: McpMessages.tooManyStreams(limit), headers: retry, id };
  }

  /**
   * Counts a request without a session (its response) until the returned function is called, so drain waits for
   * it; a request still running when the drain time is up has its response ended.
   */
  holdRequest(response: McpOpenStream): McpRequestHold {
    const hold = new McpRequestHold(response);
    this.sessionless.add(hold);
    return hold;
  }

  /**
   * Holds a stream outside any session (admitted by `admitSession(callerKey)`) until it ends; drain ends it. Returns
   * the function that lets it go.
   */
  holdStream(stream: McpOpenStream, callerKey?: string): () => void {
    if (this.openStreams.has(stream)) return () => undefined;
    this.openStreams.set(stream, callerKey);
    if (callerKey !== undefined) this.streamsPerCaller.set(callerKey, (this.streamsPerCaller.get(callerKey) ?? 0) + 1);
    return () => this.releaseStream(stream);
  }

  private releaseStream(stream: McpOpenStream): void {
    if (!this.openStreams.has(stream)) return;
    const callerKey = this.openStreams.get(stream);
    this.openStreams.delete(stream);
    if (callerKey === undefined) return;
    const left = (this.streamsPerCaller.get(callerKey) ?? 1) - 1;
    if (left > 0) this.streamsPerCaller.set(callerKey, left);
    else this.streamsPerCaller.delete(callerKey);
  }

  /**
   * Holds an HTTP exchange on the MCP routes (called by the gate, before bodies are read, guards run or any
   * transport is chosen) until its response closes. A drain waits for the ones still receiving their body and ends
   * whatever is left when it is over, so no client (one that trickles a body, a guard that hangs) can keep the HTTP
   * server from closing.
   */
  holdExchange(req: IncomingMessage, res: ServerResponse): void {
    // A response queued behind another on its connection is closed when the connection closes (Node does not).
    closeWithConnection(req, res);
    if (res.writableEnded || res.destroyed) return;
    const hold = new ExchangeHold(req, res);
    this.exchanges.add(hold);
    // The hold is told itself when the response closes, and leaves the list.
    watchResponseClose(res, hold);
  }

  /** Exchanges on the MCP routes whose request body is still arriving. */
  private get receiving(): number {
    let count = 0;
    for (const { req } of this.exchanges) if (!req.complete && !req.destroyed) count++;
    return count;
  }

  /** Requests waiting for their answer: in sessions, stateless and 2026-07-28 ones. */
  get pendingRequests(): number {
    return this.sessions.pendingRequests + this.sessionless.size;
  }

  /** Open responses: session streams and answers, sessionless requests, listen streams. */
  get streams(): number {
    return this.sessions.openStreams + this.sessionless.size + this.openStreams.size;
  }

  /**
   * Whom the per-caller session cap counts a new session for: its principal, or, for anonymous callers (no auth,
   * or no token), the client address (X-Forwarded-For behind a trusted proxy). `undefined` when there is no cap.
   */
  callerKey(req: IncomingMessage, principal: string | undefined): string | undefined {
    if (this.options.limits.maxSessionsPerPrincipal === 0) return undefined;
    // Principals the auth layer gives callers without a verified token start with NUL (see auth/request-auth.ts).
    if (principal !== undefined && !principal.startsWith('\0')) return `principal:${principal}`;
    const forwarded = this.options.module.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0].trim();
    return `address:${first || req.socket.remoteAddress || 'unknown'}`;
  }

  /**
   * Shutdown, step one (before Nest closes the HTTP server): take no new work, end the streams that carry no
   * answer, and let in-flight requests finish for up to `drainTimeoutMs`; then close every session and stream.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.draining) return;
    this.drainingSince = Date.now();
    this.sessions.endStandaloneStreams();
    this.endOpenStreams();
    const deadline = this.drainingSince + this.options.limits.drainTimeoutMs;
    while ((this.pendingRequests > 0 || this.receiving > 0) && Date.now() < deadline) await sleep(DRAIN_POLL_MS);
    await this.sessions.closeAll();
    this.endOpenStreams();
    this.endSessionless();
    await this.endExchanges();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await this.sessions.closeAll();
    this.endOpenStreams();
    this.endSessionless();
    if (this.closed) return;
    this.closed = true;
    for (const store of this.ownedStores.list) {
      await Promise.resolve(store.close?.()).catch((error: unknown) => logger.warn(`closing a store: ${String(error)}`));
    }
  }

  /**
   * The end of a drain: exchanges still open on the MCP routes (a body still arriving, a guard still waiting) are
   * answered 503 with `Connection: close` where nothing was sent yet, then their connections are closed.
   */
  private async endExchanges(): Promise<void> {
    const left = [...this.exchanges];
    if (left.length === 0) return;
    const refusal = this.refusal('draining');
    const finished: Promise<void>[] = [];
    for (const { res } of left) {
      if (!res.writableEnded) {
        finished.push(new Promise((done) => res.once('close', done).once('finish', done)));
        if (res.headersSent) res.end();
        else writeRejection(res, { ...refusal, headers: { ...refusal.headers, connection: 'close' } });
      }
    }
    await Promise.race([Promise.all(finished), sleep(LAST_WORDS_MS)]);
    for (const hold of left) {
      const { req } = hold;
      hold.unlink();
      req.socket?.destroy();
    }
  }

  private endSessionless(): void {
    for (const hold of [...this.sessionless]) {
      hold.release();
      hold.response.end();
    }
  }

  private endOpenStreams(): void {
    for (const stream of [...this.openStreams.keys()]) {
      stream.end();
      this.releaseStream(stream);
    }
  }
}
