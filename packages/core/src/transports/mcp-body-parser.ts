import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';

export type BodyOutcome = { ok: true; value: unknown; bytes?: number } | { ok: false; status: number; code: number; message: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Turns the bytes of a request body into a JSON value: strict UTF-8, JSON, no prototype-pollution keys. */
export function parseJsonBody(bytes: Buffer): BodyOutcome {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { ok: false, status: 400, code: McpErrorCode.ParseError, message: McpMessages.invalidUtf8() };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, code: McpErrorCode.ParseError, message: McpMessages.parseError() };
  }
  try {
    if (value !== null && typeof value === 'object') secureJson.scan(value, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return { ok: false, status: 400, code: McpErrorCode.InvalidRequest, message: McpMessages.forbiddenJsonKey() };
  }
  return { ok: true, value };
}

/**
 * Reads and parses a JSON request body from the stream, up to `limit` bytes (a larger Content-Length is
 * refused before anything is read). Never rejects: every failure is an outcome with its HTTP status.
 * `stream`: where the bytes come from when it is not `req` itself (a Fastify preParsing payload); its
 * length is then not checked against `req`'s Content-Length.
 */
export async function readJsonBody(req: IncomingMessage, limit: number, stream: Readable = req): Promise<BodyOutcome> {
  let bytes: Buffer;
  try {
    const length = stream === req && !req.headers['transfer-encoding'] ? req.headers['content-length'] : undefined;
    bytes = await getRawBody(stream, { limit, length });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return { ok: false, status: 413, code: McpErrorCode.InvalidRequest, message: McpMessages.bodyTooLarge(limit) };
    return { ok: false, status: 400, code: McpErrorCode.ParseError, message: McpMessages.parseError() };
  }
  const parsed = parseJsonBody(bytes);
  return parsed.ok ? { ...parsed, bytes: bytes.length } : parsed;
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
