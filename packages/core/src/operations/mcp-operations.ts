import { Injectable } from '@nestjs/common';
import {
  CallToolResultSchema,
  type CallToolResult,
  type CompleteResult,
  type GetPromptResult,
  type ListPromptsResult,
  type ListResourcesResult,
  type ListResourceTemplatesResult,
  type ListToolsResult,
  type ReadResourceResult,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import type { McpCacheHint } from '../interfaces/mcp-options.interface.js';
import type { Implementation } from '../interfaces/mcp-protocol.types.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { formatZodIssues } from '../schema/schema.js';
import { currentMcpRequestContext } from '../context/request-context.js';
import type { McpContext } from '../context/mcp-context.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import type { McpAccess } from '../registry/mcp-access.js';
import type { McpHandlerFn } from '../registry/mcp-registry.types.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { McpOperationError } from './mcp-operation-error.js';
import { isProtocolError, toOperationError, toolErrorText } from './mcp-error-mapper.js';
import { toCallToolResult, toGetPromptResult, toReadResourceResult, toolErrorResult } from './mcp-results.js';

/**
 * How a revision's dispatcher runs a method for the core: it builds the `McpContext` the method gets (its
 * notifications, signal, client info and inputs come from that revision's SDK), and, on 2026-07-28, says when the
 * method waits for client input it does not have yet (the call then ends early).
 */
export interface McpInvocation {
  /** Called once the target is found and its arguments are valid, before `context()` (2026-07-28: verifies the requestState). */
  prepare?(): Promise<void>;
  /** Called once the target is found and its arguments are valid, right before the method runs. */
  context(method: string, params: Record<string, unknown>): McpContext;
  /** Called after `context()`: settles when the method waits for input (2026-07-28 multi-round-trip). */
  suspension?(): Promise<McpSuspension> | undefined;
}

/** A call that ended early because its method waits for client input (what it asked for, by key). */
export interface McpSuspension {
  readonly suspended: Map<string, unknown>;
}

export type McpOutcome<T> = T | McpSuspension;

export function isSuspension(value: unknown): value is McpSuspension {
  return typeof value === 'object' && value !== null && (value as McpSuspension).suspended instanceof Map;
}

/** A resources/read result, with the resource's own caching hint (2026-07-28). */
export interface McpReadOutcome {
  readonly result: ReadResourceResult;
  readonly cache?: McpCacheHint;
}

const MAX_COMPLETION_VALUES = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A CallToolResult the tool built itself (not one we built from its value) is checked like the SDK does. */
function checkOwnResult(tool: string, value: unknown): void {
  if (!isObject(value) || !('content' in value || 'structuredContent' in value)) return;
  const checked = CallToolResultSchema.safeParse(value);
  if (!checked.success) throw new McpOperationError(McpErrorCode.InvalidParams, McpMessages.invalidToolResult(tool, formatZodIssues(checked.error.issues)));
}

/**
 * The protocol-neutral core of one server's operations, shared by the 2025-11-25 and the 2026-07-28 dispatchers:
 * server info and capabilities, the lists (what the caller may use), and calling a tool, reading a resource,
 * getting a prompt and completing an argument: lookup, access, argument checks, the method through the Nest
 * pipeline, result mapping, and errors as one neutral type (`McpOperationError`). The dispatchers are SDK glue.
 */
@Injectable()
export class McpOperations {
  readonly capabilities: ServerCapabilities;
  readonly serverInfo: Implementation;
  readonly instructions?: string;

  constructor(
    private readonly registry: McpRegistry,
    options: McpResolvedOptions,
    private readonly auth: McpAuthenticator,
  ) {
    const { name, version, title, websiteUrl, icons, instructions, capabilities } = options.module;
    this.capabilities = {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
      ...capabilities,
    };
    this.serverInfo = { name, version, ...(title && { title }), ...(websiteUrl && { websiteUrl }), ...(icons && { icons }) };
    this.instructions = instructions;
  }

  /** The access of the caller of the current request (`undefined`: the server has no auth). */
  access(): McpAccess | undefined {
    return this.auth.accessIn(currentMcpRequestContext());
  }

  // ---- lists: with auth, what each caller may use (the shared cached list for callers who may use everything) ----

  listTools(): ListToolsResult {
    return this.registry.listTools(this.access());
  }

  listResources(): ListResourcesResult {
    return this.registry.listResources(this.access());
  }

  listResourceTemplates(): ListResourceTemplatesResult {
    return this.registry.listResourceTemplates(this.access());
  }

  listPrompts(): ListPromptsResult {
    return this.registry.listPrompts(this.access());
  }

  /**
   * Second line of the per-item authorization (the endpoint refuses at the HTTP level first, with a challenge):
   * whatever carried the message, a caller never reaches a tool, resource or prompt it may not use.
   */
  authorize(method: string, params: Record<string, unknown>): void {
    const refusal = this.auth.refusalFor(this.access(), method, params);
    if (!refusal) return;
    const text = refusal.status === 401 ? McpMessages.authAnonymousRefused() : McpMessages.authInsufficientScope(refusal.scopes);
    throw new McpOperationError(McpErrorCode.InvalidRequest, text);
  }

  // ---- calls ----

  async callTool(params: Record<string, unknown>, invocation: McpInvocation): Promise<McpOutcome<CallToolResult>> {
    this.authorize('tools/call', params);
    const name = String(params.name);
    const tool = this.registry.getTool(name);
    if (!tool) throw new McpOperationError(McpErrorCode.InvalidParams, McpMessages.unknownTool(name));
    // Validators are synchronous but for DTOs: no promise is awaited for the others.
    const validation = tool.input.validate(params.arguments ?? {});
    const validated = validation instanceof Promise ? await validation : validation;
    if (!validated.ok) return toolErrorResult(McpMessages.invalidToolArguments(tool.name, validated.error));
    let value: unknown;
    try {
      value = await this.run(tool.handler, validated.value, 'tools/call', params, invocation);
    } catch (error) {
      if (isProtocolError(error)) throw toOperationError(error);
      return toolErrorResult(toolErrorText(error));
    }
    if (isSuspension(value)) return value;
    checkOwnResult(tool.name, value);
    const result = toCallToolResult(value, tool.output !== undefined);
    if (tool.output && result.structuredContent && !result.isError) {
      const checked = await tool.output.validate(result.structuredContent);
      if (!checked.ok) return toolErrorResult(McpMessages.invalidToolOutput(tool.name, checked.error));
    }
    return result;
  }

  async readResource(params: Record<string, unknown>, invocation: McpInvocation): Promise<McpOutcome<McpReadOutcome>> {
    this.authorize('resources/read', params);
    const uri = String(params.uri);
    const found = this.registry.findResource(uri);
    if (!found) throw new McpOperationError(McpErrorCode.ResourceNotFound, McpMessages.resourceNotFound(uri), { uri });
    try {
      const value = await this.run(found.entry.handler, found.variables, 'resources/read', params, invocation);
      if (isSuspension(value)) return value;
      return { result: toReadResourceResult(value, uri, found.entry.definition.mimeType), cache: found.entry.cache };
    } catch (error) {
      throw toOperationError(error, McpErrorCode.ResourceNotFound);
    }
  }

  async getPrompt(params: Record<string, unknown>, invocation: McpInvocation): Promise<McpOutcome<GetPromptResult>> {
    this.authorize('prompts/get', params);
    const name = String(params.name);
    const prompt = this.registry.getPrompt(name);
    if (!prompt) throw new McpOperationError(McpErrorCode.InvalidParams, McpMessages.unknownPrompt(name));
    let args: unknown = params.arguments ?? {};
    for (const argument of prompt.definition.arguments ?? []) {
      if (argument.required && (args as Record<string, string>)[argument.name] === undefined) {
        throw new McpOperationError(McpErrorCode.InvalidParams, McpMessages.missingPromptArgument(prompt.name, argument.name));
      }
    }
    if (prompt.args) {
      const validated = await prompt.args.validate(args);
      if (!validated.ok) throw new McpOperationError(McpErrorCode.InvalidParams, McpMessages.invalidPromptArguments(prompt.name, validated.error));
      args = validated.value;
    }
    try {
      const value = await this.run(prompt.handler, args, 'prompts/get', params, invocation);
      return isSuspension(value) ? value : toGetPromptResult(value, prompt.definition.description);
    } catch (error) {
      throw toOperationError(error);
    }
  }

  async complete(params: Record<string, unknown>): Promise<CompleteResult> {
    this.authorize('completion/complete', params);
    const { ref, argument, context } = params as { ref?: unknown; argument?: unknown; context?: { arguments?: Record<string, string> } };
    const validRef =
      isObject(ref) && ((ref.type === 'ref/prompt' && typeof ref.name === 'string') || (ref.type === 'ref/resource' && typeof ref.uri === 'string'));
    const validArgument = isObject(argument) && typeof argument.name === 'string' && typeof argument.value === 'string';
    if (!validRef || !validArgument) {
      throw new McpOperationError(McpErrorCode.InvalidParams, McpMessages.invalidParams('completion/complete', McpMessages.invalidCompletionRequest()));
    }
    const { name, value } = argument as { name: string; value: string };
    const target = ref as { type: string; name?: string; uri?: string };
    const complete =
      target.type === 'ref/prompt' ? this.registry.getPrompt(target.name!)?.complete : this.registry.getResourceTemplate(target.uri!)?.complete;
    const fn = complete?.[name];
    if (!fn) return { completion: { values: [], hasMore: false } };
    try {
      const values = await fn(value, { arguments: isObject(context) && isObject(context.arguments) ? context.arguments : {} });
      return { completion: { values: values.slice(0, MAX_COMPLETION_VALUES), total: values.length, hasMore: values.length > MAX_COMPLETION_VALUES } };
    } catch (error) {
      throw toOperationError(error);
    }
  }

  /** Refuses a subscription to a URI that no resource or template serves (there would never be an update). */
  checkSubscribable(uri: string): void {
    if (!this.registry.findResource(uri)) throw new McpOperationError(McpErrorCode.ResourceNotFound, McpMessages.resourceNotFound(uri), { uri });
  }

  /**
   * Runs the method through the Nest pipeline (the registry's handler) with the invocation's context, as the
   * current MCP context; settles with its value, or with the inputs it waits for. The context is marked settled
   * afterwards, so whatever the method sends later (a late log, progress) is dropped, never delivered on a stream
   * that now belongs to another request.
   */
  private async run(handler: McpHandlerFn, args: unknown, method: string, params: Record<string, unknown>, invocation: McpInvocation): Promise<unknown> {
    if (invocation.prepare) await invocation.prepare();
    const ctx = invocation.context(method, params);
    const store = currentMcpRequestContext();
    if (store) store.mcpContext = ctx;
    try {
      const suspension = invocation.suspension?.();
      return await (suspension ? Promise.race([handler(args, ctx), suspension]) : handler(args, ctx));
    } finally {
      ctx.settle();
    }
  }
}
