import type { Type } from '@nestjs/common';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
// Nested DTOs (@Type(() => Child)) are described by class-transformer's metadata.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';
import type { ValidationOutcome } from './compiled-schema.js';
import { McpMessages } from '../mcp.messages.js';

/** How a DTO input treats properties it does not declare. */
export interface DtoValidationMode {
  /** Refuse them (-32602) instead of stripping them. */
  readonly forbidNonWhitelisted?: boolean;
  /** The text of the refusal for a detail, e.g. `Invalid arguments for tool "x": <detail>`. */
  readonly refusal?: (detail: string) => string;
}

/** -32602 with its message as it is (McpError alone puts "MCP error -32602: " in front), on both revisions. */
class UndeclaredPropertiesError extends McpError {
  constructor(message: string) {
    super(ErrorCode.InvalidParams, message);
    this.message = message;
  }
}

const REF_PREFIX = '#/$defs/';
let allSchemas: Record<string, JsonSchemaObject> | undefined;

function schemasByClassName(name: string): Record<string, JsonSchemaObject> {
  // Computed once for all DTOs known at the time; again only if a class declared later is asked for.
  if (!allSchemas || !(name in allSchemas)) {
    allSchemas = validationMetadatasToSchemas({
      refPointerPrefix: REF_PREFIX,
      classTransformerMetadataStorage: defaultMetadataStorage,
    }) as Record<string, JsonSchemaObject>;
  }
  return allSchemas;
}

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) into.add(value.slice(REF_PREFIX.length));
      else collectRefs(value, into);
    }
  }
}

/** The JSON Schema of a class-validator DTO, with nested DTOs under `$defs`. */
export function dtoToJsonSchema(dto: Type<object>): JsonSchemaObject {
  const schemas = schemasByClassName(dto.name);
  const root = schemas[dto.name] ?? { type: 'object', properties: {} };
  const names = new Set<string>();
  collectRefs(root, names);
  for (const name of names) collectRefs(schemas[name], names); // Set iteration visits names added while iterating
  names.delete(dto.name);
  const $defs = Object.fromEntries([...names].filter((name) => schemas[name]).map((name) => [name, schemas[name]]));
  return names.size ? { ...root, $defs } : { ...root };
}

function flattenErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return own.concat(flattenErrors(error.children ?? [], path));
  });
}

/** Paths of the properties class-validator's whitelist refused (`prefs.role`), nested DTOs included. */
function undeclaredPaths(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints?.whitelistValidation !== undefined ? [path] : [];
    return own.concat(undeclaredPaths(error.children ?? [], path));
  });
}

/**
 * Validates plain arguments against a DTO; on success the value is the DTO instance, holding only the properties
 * the DTO declares (class-validator's whitelist, as `ValidationPipe({ whitelist: true })`). With
 * `forbidNonWhitelisted` an undeclared property is refused instead: it throws -32602 (a protocol error, as the
 * caller sent what the tool does not take), not a failed validation outcome.
 */
export async function validateDto(dto: Type<object>, value: unknown, mode: DtoValidationMode = {}): Promise<ValidationOutcome> {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return { ok: false, error: '(root): must be an object' };
  }
  const instance = plainToInstance(dto, value ?? {});
  const refuse = mode.forbidNonWhitelisted === true;
  const errors = await validate(instance, { forbidUnknownValues: false, whitelist: true, forbidNonWhitelisted: refuse });
  if (refuse) {
    const undeclared = undeclaredPaths(errors);
    if (undeclared.length) {
      const detail = McpMessages.undeclaredProperties(dto.name, undeclared);
      throw new UndeclaredPropertiesError(mode.refusal ? mode.refusal(detail) : detail);
    }
  }
  return errors.length ? { ok: false, error: flattenErrors(errors).join('; ') } : { ok: true, value: instance };
}
