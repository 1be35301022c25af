import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import type { McpAuthenticator } from '../auth/mcp-authenticator.js';
import { checkJsonRpcBody } from './json-rpc-message.js';
import { isJsonContentType, parsedBody, type HttpExchange } from '../http/http-exchange.js';
import { sendJsonRpcError, writeRejection } from '../http/mcp-rejection.js';
import { readJsonBody, type BodyOutcome } from './mcp-body-parser.js';
import type { ResolvedMcpLimits } from '../options/mcp-limits.js';
import { McpErrorCode } from '../mcp-error-codes.js';

/**
 * The one JSON-RPC message a POST carries, checked the same way on every transport: JSON content type (415),
 * body size and JSON syntax, one message of a shape the protocol takes, nesting depth, and what the caller may
 * send (401/403). On any failure the JSON-RPC error is written and `undefined` returned. Synchronous when the MCP
 * gate or the platform's parser has read the body already (the usual case): no promise per request for it.
 */
export function receiveMcpMessage(
  exchange: HttpExchange,
  limits: ResolvedMcpLimits,
  auth: McpAuthenticator,
): JSONRPCMessage | undefined | Promise<JSONRPCMessage | undefined> {
  const { req, res } = exchange;
  if (!isJsonContentType(req.headers['content-type'])) {
    sendJsonRpcError(res, 415, McpErrorCode.ServerError, McpMessages.unsupportedMediaType());
    return undefined;
  }
  const body = parsedBody(exchange.request);
  if (body !== undefined) return checkMessage(exchange, limits, auth, { ok: true, value: body });
  return readJsonBody(req, limits.maxBodyBytes).then((read) => checkMessage(exchange, limits, auth, read));
}

function checkMessage(exchange: HttpExchange, limits: ResolvedMcpLimits, auth: McpAuthenticator, read: BodyOutcome): JSONRPCMessage | undefined {
  const { res } = exchange;
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
