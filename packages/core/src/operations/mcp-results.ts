import type {
  CallToolResult,
  GetPromptResult,
  PromptMessage,
  ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A tool error result: visible to the model, so it can correct itself (spec: tool execution errors). */
export function toolErrorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function isCallToolResult(value: unknown): value is CallToolResult {
  return isObject(value) && (Array.isArray(value.content) || ('structuredContent' in value && isObject(value.structuredContent)));
}

/**
 * What a tool method returned, as a CallToolResult:
 * - a CallToolResult (has `content`) passes through;
 * - with an output schema, a value becomes `structuredContent` plus its JSON as text;
 * - a string becomes one text block; `undefined`/`null` no content; anything else its JSON as text.
 */
export function toCallToolResult(value: unknown, hasOutputSchema: boolean): CallToolResult {
  if (isCallToolResult(value)) {
    return Array.isArray(value.content) ? value : { ...value, content: [{ type: 'text', text: JSON.stringify(value.structuredContent) }] };
  }
  if (hasOutputSchema && isObject(value)) {
    return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
  }
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (value === undefined || value === null) return { content: [] };
  return { content: [{ type: 'text', text: JSON.stringify(value) }] };
}

/**
 * What a resource method returned, as a ReadResourceResult for `uri`:
 * an object with `contents` passes through; a string is text; a Buffer/Uint8Array is a base64 blob;
 * anything else is JSON text (mime type application/json unless the resource says otherwise).
 */
export function toReadResourceResult(value: unknown, uri: string, mimeType?: string): ReadResourceResult {
  if (isObject(value) && Array.isArray(value.contents)) return value as ReadResourceResult;
  if (typeof value === 'string') return { contents: [{ uri, ...(mimeType && { mimeType }), text: value }] };
  if (value instanceof Uint8Array) {
    return { contents: [{ uri, ...(mimeType && { mimeType }), blob: Buffer.from(value).toString('base64') }] };
  }
  return { contents: [{ uri, mimeType: mimeType ?? 'application/json', text: JSON.stringify(value) }] };
}

function toPromptMessage(value: unknown): PromptMessage {
  if (typeof value === 'string') return { role: 'user', content: { type: 'text', text: value } };
  return value as PromptMessage;
}

/**
 * What a prompt method returned, as a GetPromptResult: an object with `messages` passes through;
 * a string is one user message; an array holds messages or strings.
 */
export function toGetPromptResult(value: unknown, description?: string): GetPromptResult {
  if (isObject(value) && Array.isArray(value.messages)) return value as GetPromptResult;
  const messages = Array.isArray(value) ? value.map(toPromptMessage) : [toPromptMessage(value)];
  return { ...(description && { description }), messages };
}
