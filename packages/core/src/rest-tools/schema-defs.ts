import type { JsonSchemaObject } from '../interfaces/mcp-schema.interface.js';

const PREFIX = '#/$defs/';

function collect(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) collect(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(PREFIX)) into.add(value.slice(PREFIX.length));
      else collect(value, into);
    }
  }
}

/** `schema` with the `$defs` it refers to (directly or through each other), and no others. */
export function withReferencedDefs(schema: JsonSchemaObject, defs: Readonly<Record<string, JsonSchemaObject>> | undefined): JsonSchemaObject {
  if (!defs) return schema;
  const names = new Set<string>();
  collect(schema, names);
  for (const name of names) collect(defs[name], names); // a Set visits names added while iterating
  const used = Object.fromEntries([...names].filter((name) => defs[name]).map((name) => [name, defs[name]]));
  return Object.keys(used).length ? { ...schema, $defs: used } : schema;
}
