import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import { nestsDeeperThan } from './mcp-body-parser.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import type { McpRejection } from '../http/mcp-rejection.js';

const INVALID_REQUEST = McpErrorCode.InvalidRequest;
const INVALID_PARAMS = McpErrorCode.InvalidParams;

/** Whether a message is a response (a result or an error), by its keys: the message is already known to be one. */
export function isJsonRpcResponse(message: JSONRPCMessage): message is Extract<JSONRPCMessage, { id: RequestId }> & ({ result: unknown } | { error: unknown }) {
  return 'result' in message || 'error' in message;
}

/** Whether a parsed body is one JSON-RPC 2.0 message (request, notification or response), checked cheaply. */
export function isJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (typeof value !== 'object' || value === null || (value as { jsonrpc?: unknown }).jsonrpc !== '2.0') return false;
  const message = value as Record<string, unknown>;
  const id = message.id;
  const validId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  if (typeof message.method === 'string') {
    return (id === undefined || validId) && (message.params === undefined || (typeof message.params === 'object' && message.params !== null));
  }
  return validId && ('result' in message || 'error' in message);
}

function hasOnlyRequestKeys(message: object): boolean {
  for (const key in message) if (key !== 'jsonrpc' && key !== 'id' && key !== 'method' && key !== 'params') return false;
  return true;
}

/** Whether the SDK's protocol will take the message: it silently drops what its schemas refuse (e.g. `_meta: 5`). */
function protocolAccepts(message: JSONRPCMessage): boolean {
  // The common shape (only jsonrpc, id, method and params; an integer or string id; params absent, or an object
  // without _meta) is what the SDK's strict schemas accept; anything else is checked by those schemas themselves.
  if ('method' in message && hasOnlyRequestKeys(message)) {
    const { id, params } = message as { id?: unknown; params?: Record<string, unknown> };
    const plainId = id === undefined || typeof id === 'string' || Number.isSafeInteger(id);
    if (plainId && (params === undefined || (!Array.isArray(params) && params._meta === undefined))) return true;
  }
  if ('method' in message) return 'id' in message && message.id !== undefined ? isJSONRPCRequest(message) : isJSONRPCNotification(message);
  return isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
}

export type JsonRpcBodyCheck = { ok: true; message: JSONRPCMessage } | { ok: false; rejection: McpRejection };

function refuse(code: number, message: string, id: RequestId | null): JsonRpcBodyCheck {
  return { ok: false, rejection: { status: 400, code, message, id } };
}

/**
 * Checks a parsed POST body before any transport sees it: one JSON-RPC message (batches refused: MCP 2025-06-18
 * removed them), nested no deeper than `maxDepth`, and of a shape the SDK's protocol accepts (so no message is
 * dropped silently, leaving the client waiting).
 */
export function checkJsonRpcBody(body: unknown, maxDepth: number): JsonRpcBodyCheck {
  if (Array.isArray(body)) return refuse(INVALID_REQUEST, McpMessages.batchNotSupported(), null);
  if (!isJsonRpcMessage(body)) return refuse(INVALID_REQUEST, McpMessages.invalidJsonRpc(), null);
  const id = 'id' in body ? (body.id ?? null) : null;
  if (nestsDeeperThan(body, maxDepth)) return refuse(INVALID_REQUEST, McpMessages.tooDeep(maxDepth), id);
  if (!protocolAccepts(body)) {
    const method = 'method' in body ? body.method : 'response';
    return refuse(INVALID_PARAMS, McpMessages.invalidParams(method, McpMessages.invalidMessageShape()), id);
  }
  return { ok: true, message: body };
}
