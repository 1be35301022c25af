import { Injectable } from '@nestjs/common';
import { McpTool } from '@nestmcp/core';

/** A tool whose input is a plain JSON Schema 2020-12 document, served as written ($schema, $defs, $ref kept). */
@Injectable()
export class JsonSchemaTools {
  @McpTool({
    name: 'json_schema_2020_12_tool',
    description: 'Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)',
    input: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: {
        address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } },
      },
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
      additionalProperties: false,
    },
  })
  describe(args: { name?: string; address?: { street?: string; city?: string } }) {
    return `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`;
  }
}
