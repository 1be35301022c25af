import { Inject, Injectable } from '@nestjs/common';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type {
  ListPromptsResult,
  ListResourcesResult,
  ListResourceTemplatesResult,
  ListToolsResult,
  PromptArgument,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_MODULE_OPTIONS } from '../mcp.module-definition.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpCacheHint, McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import type { McpToolOptions } from '../interfaces/mcp-tool-options.interface.js';
import type { McpCompleteFn, McpResourceOptions } from '../interfaces/mcp-resource-options.interface.js';
import type { McpPromptArgument, McpPromptOptions } from '../interfaces/mcp-prompt-options.interface.js';
import type { McpSchemaInput } from '../interfaces/mcp-schema.interface.js';
import { compileObjectSchema, EMPTY_OBJECT_SCHEMA, type CompiledSchema } from '../schema/schema.js';
import type {
  McpHandlerFn,
  McpListKind,
  RegisteredPrompt,
  RegisteredResource,
  RegisteredResourceTemplate,
  RegisteredTool,
} from './mcp-registry.types.js';
import { McpAccessList, type McpAccess, type McpAccessRule } from './mcp-access.js';

/** Resource or prompt options as the registry takes them: names resolved, completers resolved to functions. */
type Resolved<T> = Omit<T, 'complete'> & { name: string; complete?: Record<string, McpCompleteFn> } & AccessOptions;
/** Who may use an entry: its scopes (decorator option and `@RequireScopes()`) and whether it is `@McpPublic()`. */
type AccessOptions = { scopes?: readonly string[]; public?: boolean };

/**
 * The access rule of an entry. Public and scoped at once is refused: a public item needs no token, so its scopes
 * would never be checked (a class marked `@McpPublic()` would silently open its scoped methods to anyone).
 */
function accessRule(options: AccessOptions, server: string, item: string, source: string): McpAccessRule {
  if (options.public && options.scopes?.length) throw new Error(McpMessages.publicItemWithScopes(server, item, source, options.scopes));
  return { ...(options.scopes?.length && { scopes: [...new Set(options.scopes)] }), ...(options.public && { public: true }) };
}

type ListListener = (kind: McpListKind) => void;
type ResourceListener = (uri: string) => void;

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The tools, resources and prompts of one MCP server. Filled at bootstrap by the explorer from decorated
 * methods, and at runtime through `registerTool()` / `registerResource()` / `registerPrompt()`.
 * Schemas are compiled when an entry is added; list results are built once and reused until the list changes.
 */
@Injectable()
export class McpRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private readonly resources = new Map<string, RegisteredResource>();
  private readonly templates = new Map<string, RegisteredResourceTemplate>();
  private readonly prompts = new Map<string, RegisteredPrompt>();
  private readonly listResults = new WeakMap<object, object>();
  private readonly toolList = new McpAccessList(() => this.tools.values(), (tool: RegisteredTool) => tool.definition);
  private readonly resourceList = new McpAccessList(() => this.resources.values(), (resource: RegisteredResource) => resource.definition);
  private readonly templateList = new McpAccessList(() => this.templates.values(), (template: RegisteredResourceTemplate) => template.definition);
  private publicEntries?: boolean;
  private readonly promptList = new McpAccessList(() => this.prompts.values(), (prompt: RegisteredPrompt) => prompt.definition);
  private readonly listListeners = new Set<ListListener>();
  private readonly resourceListeners = new Set<ResourceListener>();

  constructor(@Inject(MCP_MODULE_OPTIONS) private readonly options: McpModuleOptions) {}

  /** Name of the server this registry belongs to. */
  get serverName(): string {
    return this.options.name;
  }

  // ---- tools ----

  /**
   * Adds a tool. Throws if the server already has a tool of that name. `compiled` gives schemas already compiled
   * (tools made from REST operations check only what a safe request needs and leave the rest to the endpoint).
   */
  registerTool(
    options: McpToolOptions & { name: string } & AccessOptions,
    handler: McpHandlerFn,
    source = options.name,
    compiled?: { input?: CompiledSchema; output?: CompiledSchema },
  ): RegisteredTool {
    const existing = this.tools.get(options.name);
    if (existing) throw new Error(McpMessages.duplicateTool(this.serverName, options.name, existing.source, source));
    const dto = { ...this.options.dtoValidation, refusal: (detail: string) => McpMessages.invalidToolArguments(options.name, detail) };
    const input =
      compiled?.input ?? (options.input ? compileObjectSchema(options.input, `Tool "${options.name}" input`, 'input', dto) : EMPTY_OBJECT_SCHEMA);
    const output = compiled?.output ?? (options.output ? compileObjectSchema(options.output, `Tool "${options.name}" output`, 'output') : undefined);
    const definition = defined({
      name: options.name,
      title: options.title,
      description: options.description,
      inputSchema: input.jsonSchema,
      outputSchema: output?.jsonSchema,
      annotations: options.annotations,
      icons: options.icons,
      _meta: options._meta,
    }) as RegisteredTool['definition'];
    const tool: RegisteredTool = { name: options.name, definition, input, output, handler, source, cache: options.cache, ...accessRule(options, this.serverName, `tool "${options.name}"`, source) };
    this.tools.set(tool.name, tool);
    this.changed('tools');
    return tool;
  }

  removeTool(name: string): boolean {
    return this.tools.delete(name) && this.changed('tools');
  }

  getTool(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  /** The tools/list result; with `access`, only the tools that caller may use. */
  listTools(access?: McpAccess): ListToolsResult {
    return this.listResult('tools', this.toolList.get(access));
  }

  // ---- resources ----

  /** Adds a fixed resource (`uri`) or a resource template (`uriTemplate`). */
  registerResource(options: Resolved<McpResourceOptions>, handler: McpHandlerFn, source = options.name): void {
    if (options.uri && options.uriTemplate) throw new Error(McpMessages.resourceUriAndTemplate(source));
    const common = defined({
      name: options.name,
      title: options.title,
      description: options.description,
      mimeType: options.mimeType,
      icons: options.icons,
      annotations: options.annotations,
      _meta: options._meta,
    });
    if (options.uri) {
      const existing = this.resources.get(options.uri);
      if (existing) throw new Error(McpMessages.duplicateResource(this.serverName, options.uri, existing.source, source));
      const definition = { uri: options.uri, ...common, ...(options.size !== undefined && { size: options.size }) };
      this.resources.set(options.uri, { uri: options.uri, definition, handler, source, cache: options.cache, ...accessRule(options, this.serverName, `resource "${options.uri}"`, source) });
    } else if (options.uriTemplate) {
      const existing = this.templates.get(options.uriTemplate);
      if (existing) throw new Error(McpMessages.duplicateResource(this.serverName, options.uriTemplate, existing.source, source));
      this.templates.set(options.uriTemplate, {
        uriTemplate: options.uriTemplate,
        matcher: new UriTemplate(options.uriTemplate),
        definition: { uriTemplate: options.uriTemplate, ...common },
        complete: options.complete,
        handler,
        source,
        cache: options.cache,
        ...accessRule(options, this.serverName, `resource template "${options.uriTemplate}"`, source),
      });
    } else {
      throw new Error(McpMessages.resourceNeedsUri(source));
    }
    this.changed('resources');
  }

  /** Removes a fixed resource by URI or a template by its template string. */
  removeResource(uriOrTemplate: string): boolean {
    return (this.resources.delete(uriOrTemplate) || this.templates.delete(uriOrTemplate)) && this.changed('resources');
  }

  /** Finds what serves `uri`: a fixed resource, else the first template that matches, with its variables. */
  findResource(uri: string): { entry: RegisteredResource | RegisteredResourceTemplate; variables: Record<string, string | string[]> } | undefined {
    const fixed = this.resources.get(uri);
    if (fixed) return { entry: fixed, variables: {} };
    for (const template of this.templates.values()) {
      const variables = template.matcher.match(uri);
      if (variables) return { entry: template, variables };
    }
    return undefined;
  }

  getResourceTemplate(uriTemplate: string): RegisteredResourceTemplate | undefined {
    return this.templates.get(uriTemplate);
  }

  listResources(access?: McpAccess): ListResourcesResult {
    return this.listResult('resources', this.resourceList.get(access));
  }

  listResourceTemplates(access?: McpAccess): ListResourceTemplatesResult {
    return this.listResult('resourceTemplates', this.templateList.get(access));
  }

  // ---- prompts ----

  registerPrompt(options: Resolved<McpPromptOptions>, handler: McpHandlerFn, source = options.name): void {
    const existing = this.prompts.get(options.name);
    if (existing) throw new Error(McpMessages.duplicatePrompt(this.serverName, options.name, existing.source, source));
    const { argumentList, schema } = this.promptArguments(options.args, `Prompt "${options.name}" args`, options.name);
    const definition = defined({
      name: options.name,
      title: options.title,
      description: options.description,
      arguments: argumentList,
      icons: options.icons,
      _meta: options._meta,
    }) as RegisteredPrompt['definition'];
    this.prompts.set(options.name, { name: options.name, definition, args: schema, complete: options.complete, handler, source, cache: options.cache, ...accessRule(options, this.serverName, `prompt "${options.name}"`, source) });
    this.changed('prompts');
  }

  removePrompt(name: string): boolean {
    return this.prompts.delete(name) && this.changed('prompts');
  }

  getPrompt(name: string): RegisteredPrompt | undefined {
    return this.prompts.get(name);
  }

  listPrompts(access?: McpAccess): ListPromptsResult {
    return this.listResult('prompts', this.promptList.get(access));
  }

  /**
   * One result object per cached list (the full list, or a caller's filtered view), so that a result is the same
   * object as long as its list is: the transport serializes it once and reuses the bytes. Never mutate it.
   */
  private listResult<K extends string, T>(key: K, list: T[]): { [P in K]: T[] } {
    let result = this.listResults.get(list) as { [P in K]: T[] } | undefined;
    if (!result) {
      result = { [key]: list } as { [P in K]: T[] };
      this.listResults.set(list, result);
    }
    return result;
  }

  /** Every scope used by a tool, resource, template or prompt (for the metadata's `scopes_supported`). */
  scopesInUse(): string[] {
    const lists = [this.toolList, this.resourceList, this.templateList, this.promptList];
    return [...new Set(lists.flatMap((list) => list.scopes()))].sort();
  }

  /** Whether any tool, resource, template or prompt declares scopes (asked on every request: no array is built). */
  hasScopesInUse(): boolean {
    return (
      this.toolList.scopes().length > 0 ||
      this.resourceList.scopes().length > 0 ||
      this.templateList.scopes().length > 0 ||
      this.promptList.scopes().length > 0
    );
  }

  /** Whether anything is `@McpPublic()` (then callers without a token may connect and use those items). */
  hasPublicEntries(): boolean {
    const all = [this.tools.values(), this.resources.values(), this.templates.values(), this.prompts.values()];
    return (this.publicEntries ??= all.some((entries) => [...entries].some((entry) => entry.public)));
  }

  /** The entries that declare scopes, named for people (`tool "add_note"`, `resource "notes://{id}"`, `prompt "x"`). */
  scopedEntryNames(): string[] {
    const named = (kind: string, entries: Iterable<{ scopes?: readonly string[] }>, key: (entry: never) => string) =>
      [...entries].filter((entry) => entry.scopes?.length).map((entry) => `${kind} "${key(entry as never)}"`);
    return [
      ...named('tool', this.tools.values(), (tool: RegisteredTool) => tool.name),
      ...named('resource', this.resources.values(), (resource: RegisteredResource) => resource.uri),
      ...named('resource template', this.templates.values(), (template: RegisteredResourceTemplate) => template.uriTemplate),
      ...named('prompt', this.prompts.values(), (prompt: RegisteredPrompt) => prompt.name),
    ];
  }

  /** The caching hints the decorators gave the entries of one list (2026-07-28 `ttlMs` / `cacheScope`). */
  listCacheHints(kind: McpListKind | 'templates'): (McpCacheHint | undefined)[] {
    const entries: { cache?: McpCacheHint }[] =
      kind === 'tools' ? [...this.tools.values()]
      : kind === 'prompts' ? [...this.prompts.values()]
      : kind === 'resources' ? [...this.resources.values()]
      : [...this.templates.values()];
    return entries.map((entry) => entry.cache);
  }

  private promptArguments(
    args: McpPromptArgument[] | McpSchemaInput | undefined,
    where: string,
    prompt: string,
  ): { argumentList?: PromptArgument[]; schema?: CompiledSchema } {
    if (args === undefined) return {};
    if (Array.isArray(args)) return { argumentList: args.map((arg) => defined({ ...arg })) };
    const dto = { ...this.options.dtoValidation, refusal: (detail: string) => McpMessages.invalidPromptArguments(prompt, detail) };
    const schema = compileObjectSchema(args, where, 'input', dto);
    const properties = (schema.jsonSchema.properties ?? {}) as Record<string, { description?: string }>;
    const required = new Set((schema.jsonSchema.required as string[] | undefined) ?? []);
    const argumentList = Object.entries(properties).map(([name, property]) =>
      defined({ name, description: property.description, required: required.has(name) }),
    );
    return { argumentList, schema };
  }

  // ---- change notification ----

  /** Listens for list changes (used to send notifications/*\/list_changed to connected clients). */
  onListChanged(listener: ListListener): () => void {
    this.listListeners.add(listener);
    return () => this.listListeners.delete(listener);
  }

  /** Listens for `notifyResourceUpdated()` (used to send notifications/resources/updated to subscribers). */
  onResourceUpdated(listener: ResourceListener): () => void {
    this.resourceListeners.add(listener);
    return () => this.resourceListeners.delete(listener);
  }

  /** Tells subscribed clients that the resource at `uri` changed. */
  notifyResourceUpdated(uri: string): void {
    for (const listener of this.resourceListeners) listener(uri);
  }

  private changed(kind: McpListKind): true {
    this.publicEntries = undefined;
    if (kind === 'tools') this.toolList.invalidate();
    if (kind === 'resources') {
      this.resourceList.invalidate();
      this.templateList.invalidate();
    }
    if (kind === 'prompts') this.promptList.invalidate();
    for (const listener of this.listListeners) listener(kind);
    return true;
  }
}
