import type { Type } from '@nestjs/common';
import type { JsonSchemaObject } from './mcp-schema.interface.js';

/** How a tool made from a REST operation calls it (see docs/rest-as-tools.md). */
export interface McpRestCallOptions {
  /**
   * Headers of the MCP caller's HTTP request passed on to the REST call (case-insensitive names), e.g.
   * `['authorization', 'x-tenant']`. No other header of the caller is sent. Default: `['authorization']` on a
   * server with `auth`, none otherwise.
   */
  forwardHeaders?: string[];
  /** Milliseconds a REST call may take; then the tool call ends with an error. Default 30 000. */
  timeoutMs?: number;
  /** Largest response body read, in bytes; a larger one ends the tool call with an error. Default 1 MiB. */
  maxResponseBytes?: number;
}

/** Where a REST parameter travels. */
export type McpRestParameterLocation = 'path' | 'query' | 'header';

/** One parameter of a REST operation. */
export interface McpRestParameter {
  readonly name: string;
  readonly in: McpRestParameterLocation;
  readonly required: boolean;
  readonly schema: JsonSchemaObject;
  readonly description?: string;
}

/**
 * A REST operation as a tool is made of it: from a controller route (its Nest and `@nestjs/swagger` metadata) or
 * from an OpenAPI operation. Given to `map` hooks, which may rename, describe or drop it.
 */
export interface McpRestOperation {
  /** The tool's name. */
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path template with `{name}` placeholders, e.g. `/notes/{id}` (the app's own routes: as Nest serves them). */
  readonly path: string;
  readonly parameters: readonly McpRestParameter[];
  /** The JSON request body, if the operation takes one. */
  readonly body?: { readonly schema: JsonSchemaObject; readonly required: boolean };
  /** JSON Schema of a successful (2xx) JSON response, when declared: becomes the tool's output schema. */
  readonly response?: JsonSchemaObject;
  /** Named schemas the others refer to as `#/$defs/<name>`. */
  readonly $defs?: Readonly<Record<string, JsonSchemaObject>>;
  /** OpenAPI tags (or the controller's `@ApiTags()`). */
  readonly tags?: readonly string[];
  /** OpenAPI operationId (or `@ApiOperation({ operationId })`). */
  readonly operationId?: string;
  /** Where it came from, for error messages: `NotesController.list`, `GET /notes (petstore.json)`. */
  readonly source: string;
}

/** What a `map` hook returns: the operation (changed or not), or `false` to make no tool of it. */
export type McpRestOperationMap = (operation: McpRestOperation) => McpRestOperation | false;

/**
 * The app's own controller routes as MCP tools (`McpModule.forRoot({ routes })`). A route is a tool when its
 * controller is in `include`, or when the route method itself has `@McpTool()`. Calls run as in-process HTTP
 * requests through the app's own HTTP adapter, so guards, interceptors, pipes and filters run as for REST.
 */
export interface McpRoutesOptions extends McpRestCallOptions {
  /** Controllers whose every route becomes a tool (a route's own `@McpTool()` still names and describes it). */
  include?: Type<unknown>[];
  /** Rename, describe or drop generated tools (runs on routes of `include` and on `@McpTool()` routes). */
  map?: McpRestOperationMap;
}

/** Options of `fromOpenApi()`: the operations of an OpenAPI 3.x document as tools calling a REST service. */
export interface McpOpenApiOptions extends McpRestCallOptions {
  /** The OpenAPI 3.0 / 3.1 document, as an object or as JSON text. Only local `$ref`s (`#/...`) are followed. */
  spec: object | string;
  /** Base URL the operations' paths are appended to, e.g. `https://api.example.com/v2`. Overrides the document's `servers`. */
  baseUrl: string;
  /** Only operations with one of these tags. */
  tags?: string[];
  /** Only these operations (by operationId). */
  operationIds?: string[];
  /** Headers sent with every call (e.g. an API key), or a function giving them per call. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Put in front of every tool name, e.g. `'petstore_'`. Default none. */
  namePrefix?: string;
  /** Rename, describe or drop generated tools. */
  map?: McpRestOperationMap;
}

/** The tools `fromOpenApi()` made of a document, for `McpModule.forRoot({ openApi })`. */
export interface McpOpenApiSource {
  readonly options: McpOpenApiOptions;
  readonly operations: readonly McpRestOperation[];
}
