import secureJsonParse from 'secure-json-parse';
import { McpMessages } from '../mcp.messages.js';
import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';
import type { McpOpenApiOptions, McpRestOperation, McpRestParameter } from '../interfaces/mcp-rest-tools-options.interface.js';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const SCHEMA_REF = '#/components/schemas/';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A name usable as a tool name and as a `$defs` key (MCP tool names: letters, digits, `_`, `-`, `.`; at most 128). */
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 128) || '_';
}

function isJsonMedia(type: string): boolean {
  const base = type.split(';')[0].trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json');
}

/**
 * Local `$ref` resolution for one document. Written here rather than with a ref-parser library on purpose: only
 * pointers into the same document (`#/...`) are followed (a document naming a file or a URL is refused, so reading
 * a spec never reads a file or the network), and schemas under `#/components/schemas/` become `#/$defs/<name>`
 * entries of the tool's schema instead of being inlined, so recursive schemas stay finite.
 */
class LocalRefs {
  constructor(private readonly document: Json) {}

  /** The value a `#/a/b` pointer names (RFC 6901 unescaping, percent-decoding of the fragment). */
  pointer(ref: string): unknown {
    if (!ref.startsWith('#')) throw new Error(McpMessages.openApiRefNotFound(ref));
    let node: unknown = this.document;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObject(node) && !Array.isArray(node)) throw new Error(McpMessages.openApiRefNotFound(ref));
      node = (node as Json)[token];
      if (node === undefined) throw new Error(McpMessages.openApiRefNotFound(ref));
    }
    return node;
  }

  /** An object that may be a `$ref` (parameters, request bodies, responses): followed until it is not. */
  deref(value: unknown, seen = new Set<string>()): Json | undefined {
    if (!isObject(value)) return undefined;
    if (typeof value.$ref !== 'string') return value;
    if (seen.has(value.$ref)) throw new Error(McpMessages.openApiInvalid(`$ref "${value.$ref}" refers to itself`));
    seen.add(value.$ref);
    return this.deref(this.pointer(value.$ref), seen);
  }

  /** A schema with component references turned into `#/$defs/<name>` (collected into `defs`), other refs inlined. */
  schema(value: unknown, defs: Record<string, JsonSchemaObject>, inlining = new Set<string>()): JsonSchemaObject {
    if (Array.isArray(value)) return value.map((item) => this.schema(item, defs, inlining)) as unknown as JsonSchemaObject;
    if (!isObject(value)) return value as JsonSchemaObject;
    if (typeof value.$ref === 'string') {
      const ref = value.$ref;
      if (ref.startsWith(SCHEMA_REF)) {
        const name = safeName(decodeURIComponent(ref.slice(SCHEMA_REF.length)));
        if (!Object.hasOwn(defs, name)) {
          defs[name] = {}; // placeholder against cycles
          defs[name] = this.schema(this.pointer(ref), defs);
        }
        return { $ref: `#/$defs/${name}` };
      }
      if (inlining.has(ref)) throw new Error(McpMessages.openApiInvalid(`$ref "${ref}" refers to itself`));
      return this.schema(this.pointer(ref), defs, new Set([...inlining, ref]));
    }
    // Object.fromEntries defines own properties: a `__proto__` key (a property named so) stays a key.
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, this.schema(child, defs, inlining)]));
  }
}

function jsonContentSchema(content: unknown): unknown {
  if (!isObject(content)) return undefined;
  const type = Object.keys(content).find(isJsonMedia);
  return type ? (content[type] as Json | undefined)?.schema ?? {} : undefined;
}

/** Parses and checks an OpenAPI 3.x document (object or JSON text). */
export function parseOpenApiDocument(spec: object | string): Json {
  let document: unknown = spec;
  if (typeof spec === 'string') {
    try {
      document = secureJsonParse.parse(spec, undefined, { protoAction: 'remove', constructorAction: 'remove' });
    } catch (error) {
      throw new Error(McpMessages.openApiInvalid(`the document is not valid JSON (${(error as Error).message})`), { cause: error });
    }
  }
  if (!isObject(document) || typeof document.openapi !== 'string' || !document.openapi.startsWith('3.')) {
    throw new Error(McpMessages.openApiInvalid('the document must be OpenAPI 3.x (an "openapi": "3.x.y" field); Swagger 2.0 is not read'));
  }
  if (!isObject(document.paths)) throw new Error(McpMessages.openApiInvalid('the document has no "paths"'));
  return document;
}

/**
 * The operations of an OpenAPI 3.x document as REST operations for tools: parameters (path item's and operation's,
 * `$ref`s resolved; cookie parameters left out), the JSON request body, the first 2xx JSON response as the output,
 * filtered by `tags` / `operationIds`. An operation whose request body is not JSON is left out (a tool sends JSON).
 * Named by operationId (else `<method>_<path>`), behind `namePrefix`.
 */
export function openApiOperations(document: Json, options: McpOpenApiOptions): McpRestOperation[] {
  const refs = new LocalRefs(document);
  const operations: McpRestOperation[] = [];
  for (const [path, rawItem] of Object.entries(document.paths as Json)) {
    const item = refs.deref(rawItem);
    if (!item) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const tags = Array.isArray(operation.tags) ? operation.tags.map(String) : [];
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : undefined;
      if (options.tags && !tags.some((tag) => options.tags!.includes(tag))) continue;
      if (options.operationIds && (!operationId || !options.operationIds.includes(operationId))) continue;

      const defs = Object.create(null) as Record<string, JsonSchemaObject>;
      const parameters = new Map<string, McpRestParameter>();
      for (const raw of [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])]) {
        const parameter = refs.deref(raw);
        if (!parameter || typeof parameter.name !== 'string') continue;
        const location = parameter.in;
        if (location !== 'path' && location !== 'query' && location !== 'header') continue;
        const schema = parameter.schema !== undefined ? refs.schema(parameter.schema, defs) : (jsonContentSchema(parameter.content) as JsonSchemaObject | undefined);
        parameters.set(`${location}:${parameter.name}`, {
          name: parameter.name,
          in: location,
          required: location === 'path' || parameter.required === true,
          schema: schema && Object.keys(schema).length ? schema : { type: 'string' },
          ...(typeof parameter.description === 'string' && { description: parameter.description }),
        });
      }

      for (const [, placeholder] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!parameters.has(`path:${placeholder}`)) parameters.set(`path:${placeholder}`, { name: placeholder, in: 'path', required: true, schema: { type: 'string' } });
      }

      let body: McpRestOperation['body'];
      const requestBody = refs.deref(operation.requestBody);
      if (requestBody) {
        const schema = jsonContentSchema(requestBody.content);
        if (schema === undefined) continue;
        body = { schema: refs.schema(schema, defs), required: requestBody.required === true };
      }

      let response: JsonSchemaObject | undefined;
      const responses = isObject(operation.responses) ? operation.responses : {};
      for (const code of Object.keys(responses).filter((candidate) => /^2(\d\d|XX)$/i.test(candidate)).sort()) {
        const schema = jsonContentSchema(refs.deref(responses[code])?.content);
        if (schema !== undefined && isObject(schema) && Object.keys(schema).length) {
          response = refs.schema(schema, defs);
          break;
        }
      }

      const summary = [operation.summary, operation.description].filter((text) => typeof text === 'string' && text).join('\n\n');
      const name = `${options.namePrefix ?? ''}${safeName(operationId ?? `${method}_${path}`)}`.slice(0, 128);
      operations.push({
        name,
        description: summary || `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: [...parameters.values()],
        ...(body && { body }),
        ...(response && { response }),
        ...(Object.keys(defs).length && { $defs: defs }),
        ...(tags.length && { tags }),
        ...(operationId && { operationId }),
        source: `${method.toUpperCase()} ${path} (OpenAPI${typeof (document.info as Json | undefined)?.title === 'string' ? ` "${(document.info as Json).title as string}"` : ''})`,
      });
    }
  }
  return operations;
}
