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
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpCacheHint, McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import type { ClientCapabilities, Implementation, LoggingLevel } from '../interfaces/mcp-protocol.types.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import type { McpHandlerFn, McpListKind } from '../registry/mcp-registry.types.js';
import { currentMcpRequestContext } from '../context/request-context.js';
import { McpContext, type McpContextExtra, type McpContextServer } from '../context/mcp-context.js';
import { McpSessionState } from '../context/mcp-session-state.js';
import { toCallToolResult, toGetPromptResult, toReadResourceResult, toolErrorResult } from '../execution/mcp-results.js';
import { toMcpError, toolErrorText } from '../execution/mcp-error-mapper.js';
import { MrtrInputs } from './mrtr-inputs.js';
import { RequestStateSigner, requestIdentity } from './request-state.js';
import { callerIdentity } from './caller-identity.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';

const INVALID_PARAMS = -32602;
const RESOURCE_NOT_FOUND = -32002;
const DEFAULT_CACHE_HINT: Required<McpCacheHint> = { ttlMs: 0, cacheScope: 'private' };

type Handler = (request: { params?: Record<string, unknown> }, ctx: ServerContextV2) => unknown;

/** Logging on the 2026-07-28 path: only when the request's `_meta` asks for a level, and from that level up. */
class ModernRequestState extends McpSessionState {
  override wantsLog(level: LoggingLevel): boolean {
    return this.logLevel !== undefined && super.wantsLog(level);
  }
}

/** An error thrown by a method (or the Nest pipeline around it), as the SDK v2 protocol error. */
function toModernError(error: unknown, notFoundCode?: number): ProtocolErrorV2 {
  if (error instanceof ProtocolErrorV2) return error;
  const mapped = toMcpError(error, notFoundCode);
  // The 2025 SDK prefixes its messages ("MCP error -32602: ..."); only the code, text and data cross over.
  const message = mapped.message.replace(/^MCP error -?\d+: /, '');
  return new ProtocolErrorV2(mapped.code, message, mapped.data);
}

/**
 * Serves the 2026-07-28 methods of one server from the same McpRegistry as the 2025 path. Each request gets a
 * fresh SDK v2 `Server` (stateless revision: nothing lives between requests) whose handlers are these.
 */
@Injectable()
export class ModernDispatcher {
  private readonly signer: RequestStateSigner;
  private readonly listHint: Required<McpCacheHint>;

  constructor(
    private readonly registry: McpRegistry,
    @Inject(MCP_MODULE_OPTIONS) private readonly options: McpModuleOptions,
    private readonly auth: McpAuthenticator,
  ) {
    this.signer = new RequestStateSigner(options.modern?.requestStateSecret, options.modern?.requestStateTtlMs);
    this.listHint = { ...DEFAULT_CACHE_HINT, ...options.modern?.listCacheHint };
  }

  /** Capabilities declared in server/discover (and used to narrow subscriptions/listen). */
  get capabilities(): Record<string, unknown> {
    return {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
      ...this.options.capabilities,
    };
  }

  get serverInfo(): Implementation {
    const { name, version, title, websiteUrl, icons } = this.options;
    return { name, version, ...(title && { title }), ...(websiteUrl && { websiteUrl }), ...(icons && { icons }) };
  }

  /** A protocol server for one request. */
  createServer(): ServerV2 {
    const server = new ServerV2(this.serverInfo as never, {
      capabilities: this.capabilities as never,
      instructions: this.options.instructions,
      supportedProtocolVersions: ['2026-07-28', '2025-11-25'],
      cacheHints: { 'server/discover': this.listHint },
    });
    const on = (method: string, handler: Handler) =>
      (server.setRequestHandler as (method: string, handler: Handler) => void).call(server, method, handler);
    // With auth, lists show each caller what it may use, as on the 2025 path; calls were admitted by the endpoint.
    const access = () => this.auth.accessOf(currentMcpRequestContext()?.request);
    on('tools/list', () => this.withCache(this.registry.listTools(access()), 'tools'));
    on('resources/list', () => this.withCache(this.registry.listResources(access()), 'resources'));
    on('resources/templates/list', () => this.withCache(this.registry.listResourceTemplates(access()), 'templates'));
    on('prompts/list', () => this.withCache(this.registry.listPrompts(access()), 'prompts'));
    on('tools/call', (request, ctx) => this.callTool(request.params ?? {}, ctx));
    on('resources/read', (request, ctx) => this.readResource(request.params ?? {}, ctx));
    on('prompts/get', (request, ctx) => this.getPrompt(request.params ?? {}, ctx));
    on('completion/complete', (request) => this.complete(request.params ?? {}));
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

  private async callTool(params: Record<string, unknown>, ctx: ServerContextV2): Promise<unknown> {
    const name = String(params.name);
    const tool = this.registry.getTool(name);
    if (!tool) throw new ProtocolErrorV2(INVALID_PARAMS, McpMessages.unknownTool(name));
    const validated = await tool.input.validate(params.arguments ?? {});
    if (!validated.ok) return toolErrorResult(McpMessages.invalidToolArguments(tool.name, validated.error));
    const inputs = this.inputsFor(ctx, `tools/call\0${name}`, params.arguments);
    let outcome: { value: unknown } | { needs: Awaited<MrtrInputs['needed']> };
    try {
      outcome = await this.run(tool.handler, validated.value, 'tools/call', params, ctx, inputs);
    } catch (error) {
      if (error instanceof ProtocolErrorV2 || (error as { code?: unknown })?.code === INVALID_PARAMS) throw toModernError(error);
      return toolErrorResult(toolErrorText(error));
    }
    if ('needs' in outcome) return this.inputRequired(outcome.needs, inputs, ctx, `tools/call\0${name}`, params.arguments);
    const result = toCallToolResult(outcome.value, tool.output !== undefined);
    if (tool.output && result.structuredContent && !result.isError) {
      const checked = await tool.output.validate(result.structuredContent);
      if (!checked.ok) return toolErrorResult(McpMessages.invalidToolOutput(tool.name, checked.error));
    }
    return result;
  }

  private async readResource(params: Record<string, unknown>, ctx: ServerContextV2): Promise<unknown> {
    const uri = String(params.uri);
    const found = this.registry.findResource(uri);
    if (!found) throw new ProtocolErrorV2(RESOURCE_NOT_FOUND, McpMessages.resourceNotFound(uri), { uri });
    const inputs = this.inputsFor(ctx, `resources/read\0${uri}`, {});
    try {
      const outcome = await this.run(found.entry.handler, found.variables, 'resources/read', params, ctx, inputs);
      if ('needs' in outcome) return this.inputRequired(outcome.needs, inputs, ctx, `resources/read\0${uri}`, {});
      const hint = { ...DEFAULT_CACHE_HINT, ...found.entry.cache };
      return { ...toReadResourceResult(outcome.value, uri, found.entry.definition.mimeType), ...hint };
    } catch (error) {
      throw toModernError(error, RESOURCE_NOT_FOUND);
    }
  }

  private async getPrompt(params: Record<string, unknown>, ctx: ServerContextV2): Promise<unknown> {
    const name = String(params.name);
    const prompt = this.registry.getPrompt(name);
    if (!prompt) throw new ProtocolErrorV2(INVALID_PARAMS, McpMessages.unknownPrompt(name));
    let args: unknown = params.arguments ?? {};
    for (const argument of prompt.definition.arguments ?? []) {
      if (argument.required && (args as Record<string, string>)[argument.name] === undefined) {
        throw new ProtocolErrorV2(INVALID_PARAMS, McpMessages.missingPromptArgument(prompt.name, argument.name));
      }
    }
    if (prompt.args) {
      const validated = await prompt.args.validate(args);
      if (!validated.ok) throw new ProtocolErrorV2(INVALID_PARAMS, McpMessages.invalidPromptArguments(prompt.name, validated.error));
      args = validated.value;
    }
    const inputs = this.inputsFor(ctx, `prompts/get\0${name}`, params.arguments);
    try {
      const outcome = await this.run(prompt.handler, args, 'prompts/get', params, ctx, inputs);
      if ('needs' in outcome) return this.inputRequired(outcome.needs, inputs, ctx, `prompts/get\0${name}`, params.arguments);
      return toGetPromptResult(outcome.value, prompt.definition.description);
    } catch (error) {
      throw toModernError(error);
    }
  }

  private async complete(params: Record<string, unknown>): Promise<unknown> {
    const ref = params.ref as { type?: string; name?: string; uri?: string } | undefined;
    const argument = params.argument as { name: string; value: string };
    const complete =
      ref?.type === 'ref/prompt'
        ? this.registry.getPrompt(String(ref.name))?.complete
        : this.registry.getResourceTemplate(String(ref?.uri))?.complete;
    const fn = complete?.[argument.name];
    if (!fn) return { completion: { values: [], hasMore: false } };
    try {
      const context = params.context as { arguments?: Record<string, string> } | undefined;
      const values = await fn(argument.value, { arguments: context?.arguments ?? {} });
      return { completion: { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 } };
    } catch (error) {
      throw toModernError(error);
    }
  }

  /**
   * Runs the method through the Nest pipeline with an McpContext for this request; settles with its value,
   * or with the inputs it waits for (`elicit()` / `sample()` without an answer yet).
   */
  private run(
    handler: McpHandlerFn,
    args: unknown,
    method: string,
    params: Record<string, unknown>,
    ctx: ServerContextV2,
    inputs: MrtrInputs,
  ): Promise<{ value: unknown } | { needs: Awaited<MrtrInputs['needed']> }> {
    const envelope = (ctx.mcpReq.envelope ?? {}) as Record<string, unknown>;
    const extra: McpContextExtra = {
      sessionId: undefined,
      requestId: ctx.mcpReq.id,
      signal: ctx.mcpReq.signal,
      _meta: ctx.mcpReq._meta as McpContextExtra['_meta'],
      sendNotification: (notification) => ctx.mcpReq.notify(notification as never),
    };
    const server = {
      getClientVersion: () => envelope[CLIENT_INFO_META_KEY_V2] as Implementation | undefined,
      getClientCapabilities: () => envelope[CLIENT_CAPABILITIES_META_KEY_V2] as ClientCapabilities | undefined,
    } as McpContextServer;
    const state = new ModernRequestState(undefined);
    const level = envelope[LOG_LEVEL_META_KEY_V2];
    if (McpSessionState.isLoggingLevel(level)) state.logLevel = level;
    const mcpContext = new McpContext(method, params, extra, server, state, inputs);
    const store = currentMcpRequestContext();
    if (store) store.mcpContext = mcpContext;
    return Promise.race([
      handler(args, mcpContext).then((value) => ({ value })),
      inputs.needed.then((needs) => ({ needs })),
    ]);
  }

  /** The MRTR inputs of this call: answers from a verified requestState and this retry's inputResponses. */
  private inputsFor(ctx: ServerContextV2, target: string, args: unknown): MrtrInputs {
    const state = ctx.mcpReq.requestState<unknown>();
    if (state === undefined) return new MrtrInputs({});
    const checked = this.signer.verify(String(state), this.caller(), requestIdentity(ctx.mcpReq.method, target, args));
    if (!checked.ok) {
      throw new ProtocolErrorV2(INVALID_PARAMS, McpMessages.requestStateInvalid(McpMessages.requestStateReasons[checked.reason]), {
        reason: 'invalid_request_state',
      });
    }
    const answers = { ...checked.payload.answers };
    const responses = ctx.mcpReq.inputResponses ?? {};
    for (const key of checked.payload.asked) if (Object.hasOwn(responses, key)) answers[key] = responses[key];
    return new MrtrInputs(answers);
  }

  private inputRequired(
    needs: Awaited<MrtrInputs['needed']>,
    inputs: MrtrInputs,
    ctx: ServerContextV2,
    target: string,
    args: unknown,
  ): unknown {
    const asked = [...needs.keys()];
    const requestState = this.signer.mint({ answers: inputs.answers, asked }, this.caller(), requestIdentity(ctx.mcpReq.method, target, args));
    return inputRequiredV2({ inputRequests: Object.fromEntries(needs) as never, requestState });
  }

  private caller(): string {
    return callerIdentity(currentMcpRequestContext()?.request);
  }
}
