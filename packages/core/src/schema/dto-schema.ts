import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
// Nested DTOs (@Type(() => Child)) are described by class-transformer's metadata.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';
import type { ValidationOutcome } from './compiled-schema.js';

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

/** Validates plain arguments against a DTO; on success the value is the DTO instance. */
export async function validateDto(dto: Type<object>, value: unknown): Promise<ValidationOutcome> {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return { ok: false, error: '(root): must be an object' };
  }
  const instance = plainToInstance(dto, value ?? {});
  const errors = await validate(instance, { forbidUnknownValues: false });
  return errors.length ? { ok: false, error: flattenErrors(errors).join('; ') } : { ok: true, value: instance };
}
