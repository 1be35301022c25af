import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { checkJsonRpcBody } from './json-rpc-message.js';
import { isJsonContentType, parsedBody, type HttpExchange } from '../http/http-exchange.js';
import { sendJsonRpcError, writeRejection } from '../http/mcp-rejection.js';
import { readJsonBody, type BodyOutcome } from './mcp-body-parser.js';
import type { ResolvedMcpLimits } from '../options/mcp-limits.js';
import { McpErrorCode } from '../mcp-error-codes.js';

/** The body of an MCP POST: the one the MCP gate or the platform's parser left, else read here up to `limit`. */
async function readMcpBody(exchange: HttpExchange, limit: number): Promise<BodyOutcome> {
  const body = parsedBody(exchange.request);
  return body === undefined ? readJsonBody(exchange.req, limit) : { ok: true, value: body };
}

/**
 * The one JSON-RPC message a POST carries, checked the same way on every transport: JSON content type (415),
 * body size and JSON syntax, one message of a shape the protocol takes, nesting depth, and what the caller may
 * send (401/403). On any failure the JSON-RPC error is written and `undefined` returned.
 */
export async function receiveMcpMessage(
  exchange: HttpExchange,
  limits: ResolvedMcpLimits,
  auth: McpAuthenticator,
): Promise<JSONRPCMessage | undefined> {
  const { req, res } = exchange;
  if (!isJsonContentType(req.headers['content-type'])) {
    sendJsonRpcError(res, 415, McpErrorCode.ServerError, McpMessages.unsupportedMediaType());
    return undefined;
  }
  const read = await readMcpBody(exchange, limits.maxBodyBytes);
  if (!read.ok) {
    sendJsonRpcError(res, read.status, read.code, read.message);
    return undefined;
  }
  const checked = checkJsonRpcBody(read.value, limits.maxJsonDepth);
  if (!checked.ok) {
    writeRejection(res, checked.rejection);
    return undefined;
  }
  // Per-item scopes and public items are checked at the HTTP level, before dispatch (every transport, both eras).
  return auth.admit(exchange.request, res, checked.message) ? checked.message : undefined;
}
