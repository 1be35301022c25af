import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';

export type ValidationOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/** A schema turned, once at bootstrap, into its JSON Schema and a validator. */
export interface CompiledSchema {
  readonly jsonSchema: JsonSchemaObject;
  /** Validates (and, for zod and DTOs, transforms) a value. Synchronous for zod and JSON Schema. */
  validate(value: unknown): ValidationOutcome | Promise<ValidationOutcome>;
}
