import { RequestMethod, type Type } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';
import type { McpRestOperation, McpRestParameter } from '../interfaces/mcp-rest-tools-options.interface.js';
import type { McpToolOptions } from '../interfaces/mcp-tool-options.interface.js';
import { dtoRestSchema, isDtoClass, SWAGGER, typeSchema } from './dto-rest-schema.js';

/** Nest's RouteParamtypes that make a REST request (`@Body()`, `@Query()`, `@Param()`). */
const BODY = 3;
const QUERY = 4;
const PARAM = 5;

type Defs = Record<string, JsonSchemaObject>;

/** A controller route as the route explorer found it. */
export interface DiscoveredRoute {
  readonly controller: Type<unknown>;
  readonly methodName: string;
  readonly method: (...args: unknown[]) => unknown;
  readonly requestMethod: RequestMethod;
  /** The path Nest serves it at, with `:name` parameters (global prefix, versions and module path applied). */
  readonly servedPath: string;
  /** `@McpTool()` on the route, if any. */
  readonly tool?: McpToolOptions;
}

interface SwaggerParameter {
  name?: string;
  in?: string;
  required?: boolean;
  description?: string;
  type?: unknown;
  schema?: JsonSchemaObject;
  isArray?: boolean;
  enum?: unknown;
}

/** `:id` and `*path` placeholders as `{id}` / `{path}`; path-to-regexp's optional braces are dropped. */
export function toPathTemplate(servedPath: string): { template: string; names: string[] } {
  const names: string[] = [];
  const template = servedPath.replace(/[{}]/g, '').replace(/[:*]([A-Za-z_$][\w$]*)/g, (_match, name: string) => {
    names.push(name);
    return `{${name}}`;
  });
  return { template, names };
}

function snakeCase(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
}

/** `NotesController.list` → `notes_list`. */
export function defaultRouteToolName(controller: Type<unknown>, methodName: string): string {
  return `${snakeCase(controller.name.replace(/Controller$/, ''))}_${snakeCase(methodName)}`;
}

function designType(route: DiscoveredRoute, index: number): unknown {
  const types = Reflect.getMetadata('design:paramtypes', route.controller.prototype as object, route.methodName) as unknown[] | undefined;
  return types?.[index];
}

/** The parameters of a swagger `@ApiQuery({ type: Dto })`, or of a `@Query() dto: Dto`: one per DTO property. */
function dtoParameters(dto: Type<object>, location: 'query', defs: Defs): McpRestParameter[] {
  const schema = dtoRestSchema(dto, defs);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries((schema.properties as Record<string, JsonSchemaObject>) ?? {}).map(([name, property]) => ({
    name, in: location, required: required.has(name), schema: property,
  }));
}

function upsert(list: McpRestParameter[], parameter: McpRestParameter): void {
  const index = list.findIndex((existing) => existing.name === parameter.name && existing.in === parameter.in);
  if (index < 0) list.push(parameter);
  else list[index] = { ...list[index], ...parameter, schema: { ...list[index].schema, ...parameter.schema } };
}

/** The first 2xx response `@ApiResponse()` & co. declare with a type or schema. */
function responseSchema(method: object, defs: Defs): JsonSchemaObject | undefined {
  const responses = (Reflect.getMetadata(SWAGGER.responses, method) ?? {}) as Record<string, { type?: unknown; isArray?: boolean; schema?: JsonSchemaObject }>;
  const codes = Object.keys(responses).filter((code) => /^2\d\d$/.test(code)).sort();
  for (const code of codes) {
    const response = responses[code];
    if (response.schema) return response.schema;
    if (response.type !== undefined) return typeSchema(response.type, response, defs);
  }
  return undefined;
}

/**
 * The REST operation of a controller route, from what the route declares: `@ApiOperation()` (operationId, summary,
 * description), `@ApiParam()` / `@ApiQuery()` / `@ApiBody()`, `@ApiResponse()` when `@nestjs/swagger` is used;
 * otherwise (and in addition) the route's `@Param()`, `@Query()` and `@Body()` arguments with their TypeScript
 * types and DTOs (class-validator and `@ApiProperty()`). `@McpTool({ name, title, description })` wins over both.
 */
export function routeOperation(route: DiscoveredRoute): McpRestOperation {
  const defs = Object.create(null) as Defs;
  const method = route.method as object;
  const operation = (Reflect.getMetadata(SWAGGER.operation, method) ?? {}) as { operationId?: string; summary?: string; description?: string };
  const { template, names } = toPathTemplate(route.servedPath);
  const parameters: McpRestParameter[] = names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  let body: { schema: JsonSchemaObject; required: boolean } | undefined;

  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.methodName) ?? {}) as Record<string, { index: number; data?: unknown }>;
  for (const [key, { index, data }] of Object.entries(args)) {
    const type = Number(key.split(':')[0]);
    const declared = designType(route, index);
    if (type === PARAM && typeof data === 'string' && names.includes(data)) {
      const schema = typeSchema(declared, {}, defs);
      upsert(parameters, { name: data, in: 'path', required: true, schema: schema.type ? schema : { type: 'string' } });
    } else if (type === QUERY && typeof data === 'string') {
      upsert(parameters, { name: data, in: 'query', required: false, schema: typeSchema(declared, {}, defs) });
    } else if (type === QUERY && data === undefined && isDtoClass(declared)) {
      for (const parameter of dtoParameters(declared, 'query', defs)) upsert(parameters, parameter);
    } else if (type === BODY && data === undefined) {
      body = { schema: isDtoClass(declared) ? dtoRestSchema(declared, defs) : { type: 'object' }, required: true };
    } else if (type === BODY && typeof data === 'string') {
      const schema = (body?.schema ?? { type: 'object', properties: {} }) as JsonSchemaObject & { properties: Record<string, JsonSchemaObject> };
      schema.properties = { ...schema.properties, [data]: typeSchema(declared, {}, defs) };
      body = { schema, required: true };
    }
  }

  const documented = (Reflect.getMetadata(SWAGGER.parameters, method) ?? []) as SwaggerParameter[];
  for (const parameter of documented) {
    if (parameter.in === 'body') {
      const schema = parameter.schema ?? (isDtoClass(parameter.type) && !parameter.isArray ? dtoRestSchema(parameter.type, defs) : typeSchema(parameter.type, parameter, defs));
      body = { schema, required: parameter.required !== false };
    } else if (parameter.in === 'query' && isDtoClass(parameter.type) && !parameter.name) {
      for (const fromDto of dtoParameters(parameter.type, 'query', defs)) upsert(parameters, fromDto);
    } else if ((parameter.in === 'path' || parameter.in === 'query' || parameter.in === 'header') && parameter.name) {
      if (parameter.in === 'path' && !names.includes(parameter.name)) continue;
      const schema = parameter.schema ?? typeSchema(parameter.type, parameter, defs);
      upsert(parameters, {
        name: parameter.name,
        in: parameter.in,
        required: parameter.in === 'path' || parameter.required === true,
        schema: Object.keys(schema).length ? schema : { type: 'string' },
        ...(parameter.description && { description: parameter.description }),
      });
    }
  }

  const response = responseSchema(method, defs);
  const httpMethod = RequestMethod[route.requestMethod] === 'ALL' ? 'POST' : RequestMethod[route.requestMethod];
  const summary = [operation.summary, operation.description].filter(Boolean).join('\n\n');
  const tags = [
    ...((Reflect.getMetadata(SWAGGER.tags, route.controller) as string[] | undefined) ?? []),
    ...((Reflect.getMetadata(SWAGGER.tags, method) as string[] | undefined) ?? []),
  ];
  return {
    name: route.tool?.name ?? operation.operationId ?? defaultRouteToolName(route.controller, route.methodName),
    ...(route.tool?.title && { title: route.tool.title }),
    description: route.tool?.description ?? (summary || `${httpMethod} ${template}`),
    method: httpMethod,
    path: template,
    parameters,
    ...(body && { body }),
    ...(response && { response }),
    ...(Object.keys(defs).length && { $defs: defs }),
    ...(tags.length && { tags }),
    ...(operation.operationId && { operationId: operation.operationId }),
    source: `${route.controller.name}.${route.methodName}`,
  };
}

/** Whether a method is a route (has `@Get()` & co.). */
export function isRouteMethod(method: unknown): boolean {
  return typeof method === 'function' && Reflect.getMetadata(PATH_METADATA, method) !== undefined;
}
