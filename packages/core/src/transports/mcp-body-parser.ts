import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { McpMessages } from '../mcp.messages.js';

export type BodyOutcome = { ok: true; value: unknown } | { ok: false; status: number; code: number; message: string };

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Turns the bytes of a request body into a JSON value: strict UTF-8, JSON, no prototype-pollution keys. */
export function parseJsonBody(bytes: Buffer): BodyOutcome {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { ok: false, status: 400, code: PARSE_ERROR, message: McpMessages.invalidUtf8() };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, code: PARSE_ERROR, message: McpMessages.parseError() };
  }
  try {
    if (value !== null && typeof value === 'object') secureJson.scan(value, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return { ok: false, status: 400, code: INVALID_REQUEST, message: McpMessages.forbiddenJsonKey() };
  }
  return { ok: true, value };
}

/**
 * Reads and parses a JSON request body from the stream, up to `limit` bytes (a larger Content-Length is
 * refused before anything is read). Never rejects: every failure is an outcome with its HTTP status.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  let bytes: Buffer;
  try {
    const length = req.headers['content-length'];
    bytes = await getRawBody(req, { limit, length: req.headers['transfer-encoding'] ? undefined : length });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return { ok: false, status: 413, code: INVALID_REQUEST, message: McpMessages.bodyTooLarge(limit) };
    return { ok: false, status: 400, code: PARSE_ERROR, message: McpMessages.parseError() };
  }
  return parseJsonBody(bytes);
}

/** Whether arrays and objects in `value` nest deeper than `maxDepth` (checked without recursion). */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
