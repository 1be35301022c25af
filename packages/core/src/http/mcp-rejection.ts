import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { writeJson } from './http-exchange.js';

/**
 * A request refused at the HTTP level, whatever refused it (body checks, admission, revision routing, auth):
 * the HTTP status, the JSON-RPC error (code, message, data), the id of the request when it is known, and
 * headers to send (Retry-After, Allow, Mcp-Session-Id...). Written by `writeRejection()`, always as a JSON-RPC
 * error body, never HTML.
 */
export interface McpRejection {
  readonly status: number;
  readonly code: number;
  readonly message: string;
  readonly id?: RequestId | null;
  readonly headers?: OutgoingHttpHeaders;
  readonly data?: unknown;
}

/** Writes a rejection (nothing when the response is already under way or closed). */
export function writeRejection(res: ServerResponse, rejection: McpRejection): void {
  const { status, code, message, id = null, headers = {}, data } = rejection;
  writeJson(res, status, { jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined && { data }) } }, headers);
}

/** `writeRejection()` with positional arguments, for short call sites. */
export function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
  id: RequestId | null = null,
): void {
  writeRejection(res, { status, code, message, headers, id });
}
