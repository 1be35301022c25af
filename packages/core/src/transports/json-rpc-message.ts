import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

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
