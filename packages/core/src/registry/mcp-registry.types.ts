import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { McpContext } from '../context/mcp-context.js';
import type { McpCacheHint } from '../interfaces/mcp-options.interface.js';
import type { McpCompleteFn } from '../interfaces/mcp-resource-options.interface.js';
import type { CompiledSchema } from '../schema/schema.js';
import type { McpAccessRule } from './mcp-access.js';

/** Calls the user's method (through the Nest pipeline) with validated arguments and the context. */
export type McpHandlerFn = (args: unknown, ctx: McpContext) => Promise<unknown>;

interface RegisteredBase extends McpAccessRule {
  readonly handler: McpHandlerFn;
  /** Where it came from, e.g. `WeatherTools.forecast`; used in error messages. */
  readonly source: string;
  /** 2026-07-28 caching hint from the decorator (`cache`), if any. */
  readonly cache?: McpCacheHint;
}

export interface RegisteredTool extends RegisteredBase {
  readonly name: string;
  /** The tools/list entry, computed once. */
  readonly definition: Tool;
  readonly input: CompiledSchema;
  readonly output?: CompiledSchema;
}

export interface RegisteredResource extends RegisteredBase {
  readonly uri: string;
  readonly definition: Resource;
}

export interface RegisteredResourceTemplate extends RegisteredBase {
  readonly uriTemplate: string;
  readonly matcher: UriTemplate;
  readonly definition: ResourceTemplate;
  readonly complete?: Record<string, McpCompleteFn>;
}

export interface RegisteredPrompt extends RegisteredBase {
  readonly name: string;
  readonly definition: Prompt;
  /** Validates the arguments when the prompt was declared with a schema. */
  readonly args?: CompiledSchema;
  readonly complete?: Record<string, McpCompleteFn>;
}

export type McpListKind = 'tools' | 'resources' | 'prompts';
