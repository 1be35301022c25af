import type { ConfigurableModuleAsyncOptions, Type } from '@nestjs/common';
import type { Icon, ServerCapabilities } from './mcp-protocol.types.js';
import type { McpAuthOptions } from './mcp-auth-options.interface.js';
import type { McpCorsOptions, McpHealthOptions, McpLimitsOptions } from './mcp-limits.interface.js';
import type { McpEventStore } from '../stores/mcp-event-store.js';
import type { McpSessionStore } from '../stores/mcp-session-store.js';
import type { McpMessageBus } from '../stores/mcp-message-bus.js';
import type { McpReplayGuard } from '../stores/mcp-replay-guard.js';
import type { McpOpenApiSource, McpRoutesOptions } from './mcp-rest-tools-options.interface.js';

/**
 * Where one server keeps what outlives a request (see docs/architecture.md, "Stores"). Each one defaults to an
 * in-memory store; give shared ones (e.g. from `@nestmcp/redis`) to serve sessions from several processes.
 */
export interface McpStoresOptions {
  /** Session records. Default: `InMemorySessionStore`. */
  sessions?: McpSessionStore;
  /** SSE events of resumable streams. Default: `InMemoryEventStore` (or `resumability.eventStore`). */
  events?: McpEventStore;
  /** Registry broadcasts and messages for a session held elsewhere. Default: `InMemoryMessageBus`. */
  bus?: McpMessageBus;
  /** Single-use 2026-07-28 request states. Default: `InMemoryReplayGuard`. */
  replay?: McpReplayGuard;
}

/** Resumable SSE streams (MCP 2025-11-25, SEP-1699): event ids, priming events, Last-Event-ID replay. */
export interface McpResumabilityOptions {
  /** Where events are kept for replay (same as `stores.events`). Default: an `InMemoryEventStore` (1000 events, 4 MiB per session). */
  eventStore?: McpEventStore;
  /** Milliseconds a client waits before reconnecting, sent as `retry:` with each priming event. Default: not sent. */
  retryMs?: number;
}

/** Options of the Streamable HTTP transport (MCP 2025-11-25). */
export interface McpStreamableHttpOptions {
  /** Path of the endpoint, e.g. `/mcp` (the app's global prefix applies). Default `/mcp`. */
  path?: string;
  /** No sessions: every POST is served by a fresh protocol state; GET and DELETE answer 405. Default `false`. */
  stateless?: boolean;
  /** Answer each request with one `application/json` body instead of an SSE stream. Default `false`. */
  jsonResponse?: boolean;
  /**
   * Make SSE streams resumable (sessions only): each event gets an id and is stored, streams open with a priming
   * event, a client that lost a stream resumes it with `Last-Event-ID`, and tools can close their stream
   * (`ctx.closeSSEStream()`) to switch the client to polling. `true` uses the defaults. Default `false`.
   */
  resumability?: boolean | McpResumabilityOptions;
}

/** Options of the legacy HTTP+SSE transport (MCP 2024-11-05), for clients that do not speak Streamable HTTP yet. */
export interface McpSseOptions {
  /** Path of the GET endpoint that opens the event stream. Default `/sse` (the app's global prefix applies). */
  path?: string;
  /** Path clients POST their messages to, with `?sessionId=`. Default `/messages`. */
  messagesPath?: string;
  /** Interval of the keep-alive comments on the stream, in milliseconds; `0` sends none. Default: `limits.keepAliveMs` (25 000). */
  keepAliveMs?: number;
}

export interface McpTransportsOptions {
  /** Streamable HTTP. On by default at `/mcp`; pass `false` to turn it off. */
  streamableHttp?: McpStreamableHttpOptions | false;
  /** Legacy HTTP+SSE. Off unless given: `sse: {}` serves it at `/sse` and `/messages`. */
  sse?: McpSseOptions | false;
  /**
   * stdio (MCP basic/transports): this server is the one `McpStdio.serve(AppModule)` serves on the process's
   * stdin/stdout, newline-delimited JSON-RPC, for clients that start the server as a command. Default `false`.
   * See docs/stdio.md. The HTTP transports stay as configured (they are served only by an HTTP app).
   */
  stdio?: boolean;
}

/** How class-validator DTO inputs of tools and prompts are checked (zod and JSON Schema inputs follow their schema). */
export interface McpDtoValidationOptions {
  /**
   * Properties a DTO does not declare (no class-validator decorator) never reach the method: by default they are
   * stripped, as `ValidationPipe({ whitelist: true })` does. `true`: refuse such a call with -32602 Invalid
   * params naming them, as `forbidNonWhitelisted` does. Default `false`.
   */
  forbidNonWhitelisted?: boolean;
}

/** Options of one MCP server, given to `McpModule.forRoot()` or returned by the `forRootAsync()` factory. */
export interface McpModuleOptions {
  /** Server name sent in the initialize result. Also the name `@McpTool({ server })` refers to. */
  name: string;
  /** Server version sent in the initialize result. */
  version: string;
  /** Human-friendly server title. */
  title?: string;
  /** Instructions for the client's model, sent in the initialize result. */
  instructions?: string;
  websiteUrl?: string;
  icons?: Icon[];
  /** Transports and their paths. Default: Streamable HTTP at `/mcp`, with sessions and SSE responses. */
  transports?: McpTransportsOptions;
  /**
   * Capabilities to add to (or override in) the ones derived from what is registered.
   * By default tools, resources, prompts, completions and logging are declared when the server has them.
   */
  capabilities?: ServerCapabilities;
  /**
   * Serve only the tools, resources and prompts of providers declared in these modules.
   * Default: every provider of the application (narrowed by `@McpTool({ server })` where set).
   */
  include?: Type<unknown>[];
  /** DTO inputs: what happens to properties the DTO does not declare (stripped by default). */
  dtoValidation?: McpDtoValidationOptions;
  /** Bearer-token protection (OAuth 2.1 resource server): every MCP route of this server needs a valid token. See docs/auth.md. */
  auth?: McpAuthOptions;
  /**
   * The app's global guards, interceptors, pipes and filters always run on the MCP HTTP route. On MCP handlers (the
   * `'mcp'` context) run only those marked `@ApplyToMcpHandlers()`, plus: `true`, all of them (as GraphQL resolvers
   * get them); a list of classes, those (e.g. `[ClassSerializerInterceptor]`). Default `false`. See docs/enhancers.md.
   */
  inheritGlobalEnhancers?: boolean | Type<unknown>[];

  // Hardening (see docs/production.md)
  /**
   * Origins allowed to call the MCP routes from a browser, e.g. `['https://app.example.com']`, or `['*']`.
   * Requests without an Origin header always pass. Default: same-origin requests, plus any loopback origin
   * when the app listens on a loopback address. Others get 403.
   */
  allowedOrigins?: string[];
  /**
   * Host names (optionally `host:port`) the MCP routes answer to, or `['*']`. Default: when the app listens on
   * a loopback address, only loopback hosts (DNS-rebinding protection); otherwise any. Others get 403.
   */
  allowedHosts?: string[];
  /** Read the host and scheme from X-Forwarded-Host / X-Forwarded-Proto (set by a reverse proxy you trust). Default `false`. */
  trustProxy?: boolean;
  /**
   * Express only: give the app's HTTP server request and response classes built on Express's own prototypes, so
   * Express no longer changes each request's and response's prototype (`Object.setPrototypeOf`, which on Node 20
   * and 22 costs about half of a bare Express request's CPU and most of its garbage-collection pauses). Every
   * route of the app gains; `req` and `res` keep every Express property and method. Upgrade requests, which
   * Express never handles, get Express's prototype too. A server with request or response classes of its own is
   * left alone. Default `true`; `false` on every MCP server of the app turns it off. See docs/production.md.
   */
  expressRequestClasses?: boolean;
  /** CORS on the MCP routes for browser clients. Default off. */
  cors?: boolean | McpCorsOptions;
  /** Body size, sessions, streams, timeouts. */
  limits?: McpLimitsOptions;
  /** A readiness endpoint reporting sessions and streams (503 while shutting down). Default off. */
  health?: boolean | McpHealthOptions;
  /**
   * Protocol revisions served on the endpoint (see docs/protocol-versions.md): `'both'` (default) serves
   * 2025-11-25 clients (initialize, sessions, SSE) and 2026-07-28 clients (stateless, `server/discover`) on the
   * same path; `'2026-07-28'` answers GET/DELETE with 405 and refuses 2025-era requests.
   */
  protocolVersions?: McpProtocolVersions;
  /** The 2026-07-28 era (multi-round-trip requests, caching hints). */
  modern?: McpModernOptions;
  /** Stores of sessions, events, cross-process messages and request-state nonces. Default: in memory. */
  stores?: McpStoresOptions;
  /**
   * The app's own controller routes as tools: the controllers in `routes.include`, and routes with `@McpTool()`.
   * Calls run through the route's Nest pipeline as in-process HTTP requests. See docs/rest-as-tools.md.
   */
  routes?: McpRoutesOptions;
  /** Tools from OpenAPI documents of other REST services: `openApi: fromOpenApi({ spec, baseUrl })`. */
  openApi?: McpOpenApiSource | McpOpenApiSource[];
}

/** Which protocol revisions one MCP server serves. */
export type McpProtocolVersions = 'both' | '2025-11-25' | '2026-07-28';

/** Caching hint of a 2026-07-28 result (`ttlMs` / `cacheScope`). */
export interface McpCacheHint {
  /** How long, in milliseconds, the client may reuse the result. */
  ttlMs?: number;
  /** `'private'`: for this caller only (default); `'public'`: shareable between callers. */
  cacheScope?: 'public' | 'private';
}

/** Options of the 2026-07-28 path. */
export interface McpModernOptions {
  /**
   * Key that signs the `requestState` of multi-round-trip requests (HMAC-SHA256), at least 32 bytes.
   * Every replica serving the endpoint needs the same key. Default: a random key per process.
   */
  requestStateSecret?: string | Uint8Array;
  /** How long a `requestState` stays valid, in milliseconds. Default 10 minutes. */
  requestStateTtlMs?: number;
  /** Caching hint of list results (tools/list, prompts/list, resources/list, templates) and server/discover. Default `{ ttlMs: 0, cacheScope: 'private' }`. */
  listCacheHint?: McpCacheHint;
}

/**
 * `McpModule.forRootAsync()` options. The HTTP routes are registered when the module is defined,
 * before any factory runs, so `transports` (the paths) are given here, not by the factory.
 */
export type McpModuleAsyncOptions = ConfigurableModuleAsyncOptions<McpModuleOptions, 'create'> & {
  transports?: McpTransportsOptions;
  /** The health route is registered when the module is defined too, so it is given here. */
  health?: boolean | McpHealthOptions;
};
