import type { Type } from '@nestjs/common';
import type { z } from 'zod';

/** A JSON Schema object, passed through as it is (any draft; 2020-12 is the MCP default). */
export type JsonSchemaObject = { [key: string]: unknown };

/**
 * What a tool's `input` / `output`, or a prompt's `args`, may be:
 * a zod schema (`z.object({...})`), a zod object shape (`{ city: z.string() }`),
 * a class-validator DTO class, or a plain JSON Schema object.
 */
export type McpSchemaInput = z.ZodType | Record<string, z.ZodType> | Type<object> | JsonSchemaObject;
