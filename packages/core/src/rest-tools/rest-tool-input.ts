import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';
import type { McpRestOperation, McpRestParameterLocation } from '../interfaces/mcp-rest-tools-options.interface.js';
import { withReferencedDefs } from './schema-defs.js';

/** Where one property of a tool's arguments goes in the REST request. */
export interface RestArgument {
  /** The property name in the tool's arguments. */
  readonly argument: string;
  readonly in: McpRestParameterLocation;
  /** The parameter's name on the wire. */
  readonly name: string;
  readonly required: boolean;
}

/** How a tool's arguments become a REST request: one entry per parameter, and what becomes the body. */
export interface RestArgumentPlan {
  readonly parameters: readonly RestArgument[];
  /** `flat`: the body's properties are top-level arguments; `nested`: the body is the argument `body`. */
  readonly body?: { readonly mode: 'flat'; readonly properties: readonly string[] } | { readonly mode: 'nested'; readonly argument: string };
}

/**
 * Header parameters that are never arguments (matched case-insensitively): credentials, which the call forwards or is
 * configured with; what the request's framing, content and routing depend on; the caller's address, which the call
 * carries as received; and method overrides, which would turn the request into another route's. A route's
 * `@ApiHeader({ name: 'Authorization' })` documents its REST callers' token, not a tool argument.
 */
export const RESERVED_HEADER_PARAMETERS: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'host', 'accept', 'content-type', 'content-length', 'content-encoding',
  'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'expect',
  'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip',
  'x-http-method-override', 'x-http-method', 'x-method-override',
]);

const SUFFIX: Record<McpRestParameterLocation, string> = { path: '', query: '_query', header: '_header' };

function isObjectSchema(schema: JsonSchemaObject, defs: Readonly<Record<string, JsonSchemaObject>> | undefined): JsonSchemaObject | undefined {
  const ref = typeof schema.$ref === 'string' && schema.$ref.startsWith('#/$defs/') ? defs?.[schema.$ref.slice(8)] : undefined;
  const target = ref ?? schema;
  const properties = target.properties;
  return target.type === 'object' && properties && typeof properties === 'object' && !Array.isArray(properties) ? target : undefined;
}

/**
 * The input schema of a tool made from a REST operation, and the plan that turns its arguments back into a request.
 * The rule (docs/rest-as-tools.md, "Mapping"):
 * 1. path parameters keep their names (and are required);
 * 2. query, then header parameters keep their names unless one before them took it: then `<name>_query`,
 *    `<name>_header`;
 * 3. an object body's properties are top-level arguments when none of them collides with 1–2; otherwise, and for a
 *    body that is not an object, the whole body is the argument `body` (`body_` if a parameter took `body`).
 */
export function restToolInput(operation: McpRestOperation): { schema: JsonSchemaObject; plan: RestArgumentPlan } {
  // Without a prototype, and asked with Object.hasOwn: an argument named `constructor`, `toString` or `__proto__` is
  // a name like any other (with `in` on a plain object it collided with Object.prototype's, or set the prototype).
  const properties: Record<string, JsonSchemaObject> = Object.create(null) as Record<string, JsonSchemaObject>;
  const taken = (name: string) => Object.hasOwn(properties, name);
  const required: string[] = [];
  const parameters: RestArgument[] = [];
  const order: McpRestParameterLocation[] = ['path', 'query', 'header'];
  for (const location of order) {
    for (const parameter of operation.parameters.filter((candidate) => candidate.in === location)) {
      if (location === 'header' && RESERVED_HEADER_PARAMETERS.has(parameter.name.toLowerCase())) continue;
      let argument = parameter.name;
      while (taken(argument)) argument = `${argument}${SUFFIX[location] || '_'}`;
      const isRequired = location === 'path' || parameter.required;
      properties[argument] = { ...parameter.schema, ...(parameter.description && { description: parameter.description }) };
      if (isRequired) required.push(argument);
      parameters.push({ argument, in: location, name: parameter.name, required: isRequired });
    }
  }
  let body: RestArgumentPlan['body'];
  if (operation.body) {
    const objectSchema = isObjectSchema(operation.body.schema, operation.$defs);
    const bodyProperties = objectSchema ? (objectSchema.properties as Record<string, JsonSchemaObject>) : undefined;
    const collides = !bodyProperties || Object.keys(bodyProperties).some(taken);
    if (objectSchema && bodyProperties && !collides) {
      for (const [name, schema] of Object.entries(bodyProperties)) properties[name] = schema;
      if (operation.body.required !== false) required.push(...((objectSchema.required as string[] | undefined) ?? []));
      body = { mode: 'flat', properties: Object.keys(bodyProperties) };
    } else {
      let argument = 'body';
      while (taken(argument)) argument = `${argument}_`;
      properties[argument] = operation.body.schema;
      if (operation.body.required) required.push(argument);
      body = { mode: 'nested', argument };
    }
  }
  const schema = withReferencedDefs(
    { type: 'object', properties, ...(required.length && { required: [...new Set(required)] }) },
    operation.$defs,
  );
  return { schema, plan: { parameters, body } };
}
