import type { Type } from '@nestjs/common';
import { z } from 'zod';
import { McpMessages } from '../mcp.messages.js';
import type { JsonSchemaObject, McpSchemaInput } from '../interfaces/mcp-schema.interface.js';
import { sharedJsonSchemaValidator } from './json-schema-validator.js';
import { dtoToJsonSchema, validateDto, type DtoValidationMode } from './dto-schema.js';
import type { CompiledSchema, ValidationOutcome } from './compiled-schema.js';

export type { CompiledSchema, ValidationOutcome } from './compiled-schema.js';

export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function isZodShape(value: object): value is Record<string, z.ZodType> {
  const values = Object.values(value);
  return values.length > 0 && values.every(isZodSchema);
}

/** Formats validation issues as `path: message; path: message`, naming each bad field. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}

function compileZod(schema: z.ZodType, io: 'input' | 'output'): CompiledSchema {
  const { $schema: _draft, ...jsonSchema } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchemaObject;
  return {
    jsonSchema,
    validate(value) {
      const parsed = schema.safeParse(value);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: formatZodIssues(parsed.error.issues) };
    },
  };
}

function compileJsonSchema(jsonSchema: JsonSchemaObject): CompiledSchema {
  const check = sharedJsonSchemaValidator.getValidator<unknown>(jsonSchema as never);
  return {
    jsonSchema,
    validate(value) {
      const result = check(value);
      return result.valid ? { ok: true, value } : { ok: false, error: result.errorMessage ?? 'invalid' };
    },
  };
}

function compileDto(dto: Type<object>, mode: DtoValidationMode): CompiledSchema {
  return { jsonSchema: dtoToJsonSchema(dto), validate: (value) => validateDto(dto, value, mode) };
}

/**
 * Turns a user-given schema into its JSON Schema and a validator. Runs at bootstrap (and at runtime
 * registration), never per request.
 */
export function compileSchema(input: McpSchemaInput, where: string, io: 'input' | 'output' = 'input', dto: DtoValidationMode = {}): CompiledSchema {
  if (isZodSchema(input)) return compileZod(input, io);
  if (typeof input === 'function') return compileDto(input as Type<object>, dto);
  if (typeof input === 'object' && input !== null) {
    if (isZodShape(input)) return compileZod(z.object(input), io);
    return compileJsonSchema(input as JsonSchemaObject);
  }
  throw new Error(McpMessages.unsupportedSchema(where));
}

/** Compiles a tool's input or output schema and checks that it describes an object, as MCP requires. */
export function compileObjectSchema(input: McpSchemaInput, where: string, io: 'input' | 'output', dto: DtoValidationMode = {}): CompiledSchema {
  const compiled = compileSchema(input, where, io, dto);
  const type = compiled.jsonSchema.type;
  if (type !== undefined && type !== 'object') throw new Error(McpMessages.inputSchemaNotObject(where, String(type)));
  if (type === undefined) return { ...compiled, jsonSchema: { type: 'object', ...compiled.jsonSchema } };
  return compiled;
}

/** The schema of a tool without arguments. */
export const EMPTY_OBJECT_SCHEMA: CompiledSchema = Object.freeze({
  jsonSchema: Object.freeze({ type: 'object', properties: {} }) as JsonSchemaObject,
  validate: (value: unknown): ValidationOutcome => ({ ok: true, value: value ?? {} }),
});
