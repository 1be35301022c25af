import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import secureJsonParse from 'secure-json-parse';
import { McpMessages } from '../mcp.messages.js';

/** A REST response as a tool turns it into a result: status, content type, body. Never its other headers. */
export interface RestResponse {
  readonly status: number;
  readonly contentType?: string;
  readonly body: Buffer;
}

/** The property that holds a JSON response that is not an object, as `structuredContent` must be one. */
export const WRAPPED_RESULT_PROPERTY = 'result';

const MAX_ERROR_TEXT = 2_000;

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    // secure-json-parse refuses `__proto__` / `constructor.prototype` keys, as the body is another service's text.
    return { ok: true, value: secureJsonParse.parse(body.toString('utf8'), undefined, { protoAction: 'remove', constructorAction: 'remove' }) };
  } catch {
    return { ok: false };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The readable message of an error body: Nest's `message` (arrays joined), `error`, RFC 9457 `detail` / `title`. */
function errorMessage(response: RestResponse): string {
  const text = response.body.toString('utf8').trim();
  if (isJson(response.contentType)) {
    const parsed = parseJson(response.body);
    if (parsed.ok && isPlainObject(parsed.value)) {
      const { message, error, detail, title } = parsed.value;
      if (Array.isArray(message) && message.length) return message.map(String).join('; ');
      for (const candidate of [message, detail, error, title]) if (typeof candidate === 'string' && candidate) return candidate;
    }
  }
  if (text) return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
  return McpMessages.restStatus(response.status);
}

/**
 * The tool result of a REST response. A status outside 2xx is a tool error whose text is the body's message; a 2xx
 * JSON body is `structuredContent` (one that is not an object is wrapped as `{ result }`) plus its JSON as text;
 * another 2xx body is its text. A tool with an output schema needs a JSON body.
 */
export function toRestToolResult(response: RestResponse, hasOutputSchema: boolean): CallToolResult {
  if (response.status < 200 || response.status >= 300) {
    return { content: [{ type: 'text', text: errorMessage(response) }], isError: true };
  }
  if (isJson(response.contentType) && response.body.length > 0) {
    const parsed = parseJson(response.body);
    if (!parsed.ok) return { content: [{ type: 'text', text: McpMessages.restInvalidJson() }], isError: true };
    const structured = isPlainObject(parsed.value) ? parsed.value : { [WRAPPED_RESULT_PROPERTY]: parsed.value };
    return { content: [{ type: 'text', text: JSON.stringify(parsed.value) }], structuredContent: structured };
  }
  if (hasOutputSchema) return { content: [{ type: 'text', text: McpMessages.restNotJson(response.status) }], isError: true };
  const text = response.body.toString('utf8');
  return { content: text ? [{ type: 'text', text }] : [] };
}
