import type { Type } from '@nestjs/common';
import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';
import { dtoToJsonSchema } from '../schema/dto-schema.js';

/**
 * Metadata keys `@nestjs/swagger` writes (its `DECORATORS` constants). Read by key, so the library is needed only
 * by apps that use it; discovery only reads them.
 */
export const SWAGGER = {
  operation: 'swagger/apiOperation',
  parameters: 'swagger/apiParameters',
  responses: 'swagger/apiResponse',
  tags: 'swagger/apiUseTags',
  properties: 'swagger/apiModelProperties',
  propertyNames: 'swagger/apiModelPropertiesArray',
  excludeEndpoint: 'swagger/apiExcludeEndpoint',
} as const;

type Defs = Record<string, JsonSchemaObject>;

const PRIMITIVES = new Map<unknown, JsonSchemaObject>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
  [Date, { type: 'string', format: 'date-time' }],
  [Object, {}], // what design:type says of `any`, unions and interfaces: nothing known
  [Array, { type: 'array' }],
  ['string', { type: 'string' }],
  ['number', { type: 'number' }],
  ['integer', { type: 'integer' }],
  ['boolean', { type: 'boolean' }],
  ['object', { type: 'object' }],
  ['array', { type: 'array' }],
]);

/** Copied as they are from `@ApiProperty()` options to the JSON Schema. */
const COPIED = ['description', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength',
  'pattern', 'minItems', 'maxItems', 'uniqueItems', 'default', 'title', 'multipleOf'] as const;

/** A class that describes a DTO (not a built-in type, not a lazy `() => Class` arrow, which has no prototype). */
export function isDtoClass(value: unknown): value is Type<object> {
  return typeof value === 'function' && !PRIMITIVES.has(value) && value.prototype !== undefined && value !== Function;
}

/** `type: () => Note` (lazy, for circular DTOs) or `type: Note`. */
function resolveType(type: unknown): unknown {
  if (typeof type === 'function' && type.prototype === undefined) return (type as () => unknown)();
  return type;
}

function enumValues(values: unknown): unknown[] | undefined {
  if (Array.isArray(values)) return values;
  if (values && typeof values === 'object') {
    // A TypeScript enum object: numeric enums map names to numbers and back, keep the values.
    const entries = Object.entries(values).filter(([key]) => Number.isNaN(Number(key)));
    return entries.map(([, value]) => value);
  }
  return undefined;
}

/** The JSON Schema of a type as `@nestjs/swagger` declares it (`type`, `isArray`, `enum`), nested DTOs into `defs`. */
export function typeSchema(declared: unknown, options: { isArray?: boolean; enum?: unknown }, defs: Defs): JsonSchemaObject {
  let type = resolveType(declared);
  let isArray = options.isArray === true;
  if (Array.isArray(type)) {
    isArray = true;
    type = resolveType(type[0]);
  }
  let schema: JsonSchemaObject;
  const values = enumValues(options.enum);
  if (values) schema = { enum: values, ...(values.every((value) => typeof value === 'string') && { type: 'string' }) };
  else if (isDtoClass(type)) schema = { $ref: `#/$defs/${dtoDefinition(type, defs)}` };
  else schema = { ...(PRIMITIVES.get(type) ?? {}) };
  return isArray ? { type: 'array', items: schema } : schema;
}

/** Adds a DTO's schema to `defs` (once; a DTO that refers to itself is fine) and gives its name there. */
export function dtoDefinition(dto: Type<object>, defs: Defs): string {
  if (!Object.hasOwn(defs, dto.name)) {
    defs[dto.name] = { type: 'object' }; // placeholder against cycles
    defs[dto.name] = dtoRestSchema(dto, defs);
  }
  return dto.name;
}

/**
 * A DTO's JSON Schema from both of what may describe it: class-validator (what is validated) and `@ApiProperty()`
 * (what is documented). Properties are the union of both; on a property described by both, the `@ApiProperty()`
 * keywords win; a property `@ApiProperty()` describes is required unless it says `required: false`, another one
 * as class-validator says. Nested DTOs go to `defs` (`#/$defs/<class name>`).
 */
export function dtoRestSchema(dto: Type<object>, defs: Defs): JsonSchemaObject {
  const validated = dtoToJsonSchema(dto);
  const { $defs: nested, ...root } = validated as JsonSchemaObject & { $defs?: Defs };
  for (const [name, schema] of Object.entries(nested ?? {})) if (!Object.hasOwn(defs, name)) defs[name] = schema;
  const properties = Object.assign(Object.create(null) as Record<string, JsonSchemaObject>, root.properties as Record<string, JsonSchemaObject> | undefined);
  const required = new Set((root.required as string[] | undefined) ?? []);
  const documented = (Reflect.getMetadata(SWAGGER.propertyNames, dto.prototype) as string[] | undefined) ?? [];
  for (const key of documented) {
    const name = key.replace(/^:/, '');
    const meta = (Reflect.getMetadata(SWAGGER.properties, dto.prototype, name) ?? {}) as Record<string, unknown>;
    const schema: JsonSchemaObject = typeSchema(meta.type, meta, defs);
    for (const keyword of COPIED) if (meta[keyword] !== undefined) schema[keyword] = meta[keyword];
    if (meta.example !== undefined) schema.examples = [meta.example];
    if (meta.nullable === true) schema.nullable = true;
    properties[name] = { ...properties[name], ...schema };
    if (meta.required === false) required.delete(name);
    else required.add(name);
  }
  return { type: 'object', properties, ...(required.size && { required: [...required] }) };
}
