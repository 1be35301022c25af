import { Inject, Injectable } from '@nestjs/common';
import {
  CLIENT_CAPABILITIES_META_KEY as CLIENT_CAPABILITIES_META_KEY_V2,
  CLIENT_INFO_META_KEY as CLIENT_INFO_META_KEY_V2,
  LOG_LEVEL_META_KEY as LOG_LEVEL_META_KEY_V2,
  ProtocolError as ProtocolErrorV2,
  Server as ServerV2,
  inputRequired as inputRequiredV2,
  type ServerContext as ServerContextV2,
} from '@modelcontextprotocol/server';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import type { McpCacheHint } from '../interfaces/mcp-options.interface.js';
import type { ClientCapabilities, Implementation, LoggingLevel } from '../interfaces/mcp-protocol.types.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { currentMcpRequestContext } from '../context/request-context.js';
import { McpContext, type McpContextExtra, type McpContextServer } from '../context/mcp-context.js';
import { McpSessionState } from '../context/mcp-session-state.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import type { McpListKind } from '../registry/mcp-registry.types.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpOperations, isSuspension, type McpInvocation, type McpSuspension } from '../operations/mcp-operations.js';
import { McpOperationError } from '../operations/mcp-operation-error.js';
import { isProtocolError, toOperationError } from '../operations/mcp-error-mapper.js';
import { McpReplayGuard } from '../stores/mcp-replay-guard.js';
import { McpStoreKeys } from '../stores/mcp-store-keys.js';
import { MrtrInputs, type PendingInput } from './mrtr-inputs.js';
import { RequestStateSigner, requestIdentity, type RequestStateReplay } from './request-state.js';

const DEFAULT_CACHE_HINT: Required<McpCacheHint> = { ttlMs: 0, cacheScope: 'private' };

type Handler = (request: { params?: Record<string, unknown> }, ctx: ServerContextV2) => unknown;

/** Logging on the 2026-07-28 path: only when the request's `_meta` asks for a level, and from that level up. */
class Rev2026RequestState extends McpSessionState {
  override wantsLog(level: LoggingLevel): boolean {
    return this.logLevel !== undefined && super.wantsLog(level);
  }
}

/** A neutral error as the SDK v2 protocol error; anything else unexpected is an internal error. */
function toProtocolError(error: unknown): ProtocolErrorV2 {
  if (error instanceof ProtocolErrorV2) return error;
  if (isProtocolError(error)) {
    const neutral = toOperationError(error);
    return new ProtocolErrorV2(neutral.code, neutral.message, neutral.data);
  }
  return new ProtocolErrorV2(McpErrorCode.InternalError, error instanceof Error ? error.message || 'Internal error' : String(error));
}

/**
 * The SDK v2 server, with one change: the SDK checks a request's params against its wire schema before our
 * handler runs and reports a mismatch as -32603 with the schema's message; params the revision's schema refuses
 * are invalid params (-32602), as on 2025-11-25. Our handlers throw only protocol errors, so any other error here
 * is the SDK's params check.
 */
class Rev2026Server extends ServerV2 {
  protected override _wrapHandler(
    method: string,
    handler: Parameters<ServerV2['_wrapHandler']>[1],
  ): ReturnType<ServerV2['_wrapHandler']> {
    const wrapped = super._wrapHandler(method, handler);
    return async (request, ctx) => {
      try {
        return await wrapped(request, ctx);
      } catch (error) {
        if (error instanceof ProtocolErrorV2) throw error;
        const detail = error instanceof Error ? error.message : String(error);
        throw new ProtocolErrorV2(McpErrorCode.InvalidParams, McpMessages.invalidParams(method, detail));
      }
    };
  }
}

/**
 * How the core runs a 2026-07-28 method: its McpContext reads the client's info, capabilities and log level from
 * the request's `_meta`, and `elicit()` / `sample()` are multi-round-trip inputs (answered from a verified
 * `requestState` and this retry's `inputResponses`, else they suspend the call).
 */
class Rev2026Invocation implements McpInvocation {
  inputs?: MrtrInputs;
  private answers: Record<string, unknown> = {};

  constructor(
    private readonly ctx: ServerContextV2,
    private readonly dispatcher: Rev2026Dispatcher,
    private readonly target: string,
    private readonly args: unknown,
  ) {}

  /** Verifies (and uses up) the request's requestState, once the target and its arguments are known to be fine. */
  async prepare(): Promise<void> {
    this.answers = await this.dispatcher.answersFor(this.ctx, this.target, this.args);
  }

  context(method: string, params: Record<string, unknown>): McpContext {
    const { mcpReq } = this.ctx;
    const envelope = (mcpReq.envelope ?? {}) as Record<string, unknown>;
    const extra: McpContextExtra = {
      sessionId: undefined,
      requestId: mcpReq.id,
      signal: mcpReq.signal,
      _meta: mcpReq._meta as McpContextExtra['_meta'],
      sendNotification: (notification) => mcpReq.notify(notification as never),
    };
    const server = {
      getClientVersion: () => envelope[CLIENT_INFO_META_KEY_V2] as Implementation | undefined,
      getClientCapabilities: () => envelope[CLIENT_CAPABILITIES_META_KEY_V2] as ClientCapabilities | undefined,
    } as McpContextServer;
    const level = envelope[LOG_LEVEL_META_KEY_V2];
    const state = new Rev2026RequestState(undefined, 0, undefined, { logLevel: McpSessionState.isLoggingLevel(level) ? level : undefined });
    this.inputs = new MrtrInputs(this.answers);
    return new McpContext(method, params, extra, server, state, this.inputs);
  }

  suspension(): Promise<McpSuspension> | undefined {
    return this.inputs?.needed.then((needs) => ({ suspended: needs }));
  }
}

/**
 * The 2026-07-28 revision's SDK glue: each request gets a fresh SDK v2 `Server` (the revision is stateless:
 * nothing lives between requests) whose handlers call the core of operations (`McpOperations`), the same one the
 * 2025 path uses; this adds what only this revision has: caching hints, and multi-round-trip requests (signed
 * `requestState` bound to the caller's principal, single-use through the replay guard).
 */
@Injectable()
export class Rev2026Dispatcher {
  private readonly signer: RequestStateSigner;
  private readonly listHint: Required<McpCacheHint>;
  private readonly replay: RequestStateReplay;

  constructor(
    private readonly operations: McpOperations,
    private readonly registry: McpRegistry,
    private readonly options: McpResolvedOptions,
    private readonly auth: McpAuthenticator,
    @Inject(McpReplayGuard) guard: McpReplayGuard,
    keys: McpStoreKeys,
  ) {
    const rev2026 = options.module.modern;
    this.signer = new RequestStateSigner(rev2026?.requestStateSecret, rev2026?.requestStateTtlMs);
    this.listHint = { ...DEFAULT_CACHE_HINT, ...rev2026?.listCacheHint };
    this.replay = { guard, key: (nonce) => keys.requestState(nonce) };
  }

  /** Capabilities declared in server/discover (and used to narrow subscriptions/listen). */
  get capabilities(): Record<string, unknown> {
    return this.operations.capabilities as Record<string, unknown>;
  }

  get serverInfo(): Implementation {
    return this.operations.serverInfo;
  }

  /** A protocol server for one request. */
  createServer(): ServerV2 {
    const server = new Rev2026Server(this.serverInfo as never, {
      capabilities: this.capabilities as never,
      instructions: this.operations.instructions,
      supportedProtocolVersions: ['2026-07-28', '2025-11-25'],
      cacheHints: { 'server/discover': this.listHint },
    });
    const on = (method: string, handler: Handler) =>
      (server.setRequestHandler as (method: string, handler: Handler) => void).call(server, method, async (request, ctx) => {
        try {
          return await handler(request, ctx);
        } catch (error) {
          throw toProtocolError(error);
        }
      });
    const operations = this.operations;
    on('tools/list', () => this.withCache(operations.listTools(), 'tools'));
    on('resources/list', () => this.withCache(operations.listResources(), 'resources'));
    on('resources/templates/list', () => this.withCache(operations.listResourceTemplates(), 'templates'));
    on('prompts/list', () => this.withCache(operations.listPrompts(), 'prompts'));
    on('tools/call', (request, ctx) => this.call('tools/call', String(request.params?.name), request.params ?? {}, ctx));
    on('resources/read', (request, ctx) => this.call('resources/read', String(request.params?.uri), request.params ?? {}, ctx));
    on('prompts/get', (request, ctx) => this.call('prompts/get', String(request.params?.name), request.params ?? {}, ctx));
    on('completion/complete', (request) => operations.complete(request.params ?? {}));
    return server;
  }

  private withCache<T extends object>(result: T, kind: McpListKind | 'templates'): T & Required<McpCacheHint> {
    const hints = this.registry.listCacheHints(kind);
    let { ttlMs, cacheScope } = this.listHint;
    for (const hint of hints) {
      if (hint?.ttlMs !== undefined) ttlMs = Math.min(ttlMs, hint.ttlMs);
      if ((hint?.cacheScope ?? this.listHint.cacheScope) === 'private') cacheScope = 'private';
    }
    return { ...result, ttlMs, cacheScope };
  }

  /** tools/call, resources/read or prompts/get through the core, with this request's multi-round-trip inputs. */
  private async call(method: 'tools/call' | 'resources/read' | 'prompts/get', name: string, params: Record<string, unknown>, ctx: ServerContextV2): Promise<unknown> {
    const target = `${method}\0${name}`;
    const args = method === 'resources/read' ? {} : params.arguments;
    const invocation = new Rev2026Invocation(ctx, this, target, args);
    const outcome =
      method === 'tools/call'
        ? await this.operations.callTool(params, invocation)
        : method === 'prompts/get'
          ? await this.operations.getPrompt(params, invocation)
          : await this.operations.readResource(params, invocation);
    if (isSuspension(outcome)) return this.inputRequired(outcome.suspended as Map<string, PendingInput>, invocation.inputs!, ctx, target, args);
    if (method !== 'resources/read') return outcome;
    const { result, cache } = outcome as { result: object; cache?: McpCacheHint };
    return { ...result, ...DEFAULT_CACHE_HINT, ...cache };
  }

  /** The answers this call brings: from a verified requestState and this retry's inputResponses. */
  async answersFor(ctx: ServerContextV2, target: string, args: unknown): Promise<Record<string, unknown>> {
    const state = ctx.mcpReq.requestState<unknown>();
    if (state === undefined) return {};
    const checked = await this.signer.claim(String(state), this.caller(), requestIdentity(ctx.mcpReq.method, target, args), this.replay);
    if (!checked.ok) {
      throw new McpOperationError(McpErrorCode.InvalidParams, McpMessages.requestStateInvalid(McpMessages.requestStateReasons[checked.reason]), {
        reason: 'invalid_request_state',
      });
    }
    const answers = { ...checked.payload.answers };
    const responses = ctx.mcpReq.inputResponses ?? {};
    for (const key of checked.payload.asked) if (Object.hasOwn(responses, key)) answers[key] = responses[key];
    return answers;
  }

  private inputRequired(needs: Map<string, PendingInput>, inputs: MrtrInputs, ctx: ServerContextV2, target: string, args: unknown): unknown {
    const asked = [...needs.keys()];
    const requestState = this.signer.mint({ answers: inputs.answers, asked }, this.caller(), requestIdentity(ctx.mcpReq.method, target, args));
    return inputRequiredV2({ inputRequests: Object.fromEntries(needs) as never, requestState });
  }

  /** The caller a requestState is bound to: the principal the auth layer established for this request. */
  private caller(): string {
    return this.auth.boundCallerOf(currentMcpRequestContext()?.request);
  }
}
