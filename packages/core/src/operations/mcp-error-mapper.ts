import { HttpException, HttpStatus } from '@nestjs/common';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpOperationError } from './mcp-operation-error.js';

/** The readable message of an HttpException (`message` of its response, arrays joined). */
export function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}

/** The SDK's McpError prefixes "MCP error N: " to its message; the neutral error keeps the message itself. */
function withoutSdkPrefix(message: string): string {
  return message.replace(/^MCP error -?\d+: /, '');
}

/** Whether a thrown error is meant as a JSON-RPC error (an `McpError`, or one already mapped), not a tool failure. */
export function isProtocolError(error: unknown): error is McpError | McpOperationError {
  return error instanceof McpOperationError || error instanceof McpError;
}

/**
 * The text of a tool error result for an error thrown by a tool method (protocol errors are not mapped here: they
 * become JSON-RPC errors). HttpException: its message. Other errors: their message (Nest's exception handler has
 * logged the stack).
 */
export function toolErrorText(error: unknown): string {
  if (error instanceof HttpException) return httpExceptionMessage(error);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * The JSON-RPC error for an error thrown by a resource, prompt or completion method, or by the pipeline around a
 * tool: an McpError keeps its code and data; HttpException 400/422 → -32602 Invalid params, 404 → -32002 Resource
 * not found (resources) or -32602, other 4xx → -32602 with `data.status`; other errors → -32603 Internal error.
 */
export function toOperationError(error: unknown, notFoundCode: number = McpErrorCode.InvalidParams): McpOperationError {
  if (error instanceof McpOperationError) return error;
  if (error instanceof McpError) return new McpOperationError(error.code, withoutSdkPrefix(error.message), error.data);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const message = httpExceptionMessage(error);
    if (status === HttpStatus.NOT_FOUND) return new McpOperationError(notFoundCode, message);
    if (status >= 400 && status < 500) return new McpOperationError(McpErrorCode.InvalidParams, message, { status });
    return new McpOperationError(McpErrorCode.InternalError, message, { status });
  }
  if (error instanceof Error) return new McpOperationError(McpErrorCode.InternalError, error.message || 'Internal error');
  return new McpOperationError(McpErrorCode.InternalError, String(error));
}
