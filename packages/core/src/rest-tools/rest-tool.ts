import type { IncomingMessage } from 'node:http';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { currentMcpRequestContext } from '../context/request-context.js';
import type { McpRestCallOptions, McpRestOperation } from '../interfaces/mcp-rest-tools-options.interface.js';
import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';
import type { CompiledSchema } from '../schema/schema.js';
import { compileObjectSchema } from '../schema/schema.js';
import { WRAPPED_RESULT_PROPERTY, toRestToolResult, type RestResponse } from './rest-response.js';
import { buildRestRequest, RestArgumentError, type RestRequest } from './rest-request.js';
import { restToolInput } from './rest-tool-input.js';
import { withReferencedDefs } from './schema-defs.js';

export const DEFAULT_REST_TIMEOUT_MS = 30_000;
export const DEFAULT_REST_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Headers a caller may never forward: they describe the connection or the message, which the call makes itself. */
const NEVER_FORWARDED = new Set([
  'host', 'connection', 'content-length', 'content-type', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'keep-alive',
  'expect', 'proxy-authorization', 'proxy-connection', 'http2-settings',
]);

/** The call options with their defaults; `forwardHeaders` lower-cased, without the headers never forwarded. */
export interface ResolvedRestCallOptions {
  readonly forwardHeaders: readonly string[];
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

export function resolveRestCallOptions(options: McpRestCallOptions | undefined, protectedServer: boolean): ResolvedRestCallOptions {
  const forward = options?.forwardHeaders ?? (protectedServer ? ['authorization'] : []);
  return {
    forwardHeaders: [...new Set(forward.map((name) => name.toLowerCase()).filter((name) => !NEVER_FORWARDED.has(name)))],
    timeoutMs: options?.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS,
    maxResponseBytes: options?.maxResponseBytes ?? DEFAULT_REST_MAX_RESPONSE_BYTES,
  };
}

/** Sends a REST request for a tool (in-process into this app, or over the network) and gives the response. */
export type RestSender = (request: RestRequest, caller: IncomingMessage | undefined) => Promise<RestResponse>;

/** A tool made from a REST operation, ready for the registry. */
export interface RestTool {
  readonly input: CompiledSchema;
  readonly output?: CompiledSchema;
  readonly handler: (args: unknown) => Promise<CallToolResult>;
}

/** The headers of the MCP caller's request that the options forward (a repeated header is joined with `, `). */
export function forwardedHeaders(caller: IncomingMessage | undefined, names: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!caller) return headers;
  for (const name of names) {
    const value = caller.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The output schema of a tool whose response schema is not an object: the value is wrapped as `{ result }`. */
function outputSchemaOf(operation: McpRestOperation): JsonSchemaObject | undefined {
  const response = operation.response;
  if (!response) return undefined;
  const defs = operation.$defs;
  const ref = typeof response.$ref === 'string' && response.$ref.startsWith('#/$defs/') ? defs?.[response.$ref.slice(8)] : undefined;
  const schema =
    response.type === 'object' ? response
    : ref?.type === 'object' ? ref
    : { type: 'object', properties: { [WRAPPED_RESULT_PROPERTY]: response }, required: [WRAPPED_RESULT_PROPERTY] };
  return withReferencedDefs(schema, defs);
}

/**
 * The input schema, output schema and handler of a tool made from a REST operation. The input check is only
 * what building a safe request needs (an object; path parameters are checked when the URL is built): the REST
 * endpoint validates the rest, as it does for its HTTP callers, and its refusal comes back as a tool error.
 */
export function createRestTool(operation: McpRestOperation, send: RestSender): RestTool {
  const { schema, plan } = restToolInput(operation);
  const input: CompiledSchema = {
    jsonSchema: schema,
    validate: (value) =>
      value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))
        ? { ok: true, value: value ?? {} }
        : { ok: false, error: '(root): must be an object' },
  };
  const outputSchema = outputSchemaOf(operation);
  const output = outputSchema ? compileObjectSchema(outputSchema, `Tool "${operation.name}" output`, 'output') : undefined;
  const handler = async (args: unknown): Promise<CallToolResult> => {
    let request: RestRequest;
    try {
      request = buildRestRequest(operation.method, operation.path, plan, args as Record<string, unknown>);
    } catch (error) {
      if (error instanceof RestArgumentError) return { content: [{ type: 'text', text: error.message }], isError: true };
      throw error;
    }
    const response = await send(request, currentMcpRequestContext()?.raw);
    return toRestToolResult(response, output !== undefined);
  };
  return { input, output, handler };
}
