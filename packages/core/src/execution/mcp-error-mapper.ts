import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/** The readable message of an HttpException (`message` of its response, arrays joined). */
export function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}

/**
 * The text of a tool error result for an error thrown by a tool method (McpError is not mapped here: it
 * becomes a JSON-RPC error). HttpException: its message. Other errors: their message (Nest's
 * exception handler has logged the stack).
 */
export function toolErrorText(error: unknown): string {
  if (error instanceof HttpException) return httpExceptionMessage(error);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * The JSON-RPC error for an error thrown by a resource, prompt or completion method, or by the pipeline
 * around a tool: McpError keeps its code; HttpException 400/422 → -32602 Invalid params, 404 → -32002 Resource
 * not found (resources) or -32602, other 4xx → -32602 with `data.status`; other errors → -32603 Internal error.
 */
export function toMcpError(error: unknown, notFoundCode: number = ErrorCode.InvalidParams): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const message = httpExceptionMessage(error);
    if (status === HttpStatus.NOT_FOUND) return new McpError(notFoundCode, message);
    if (status >= 400 && status < 500) return new McpError(ErrorCode.InvalidParams, message, { status });
    return new McpError(ErrorCode.InternalError, message, { status });
  }
  if (error instanceof Error) return new McpError(ErrorCode.InternalError, error.message || 'Internal error');
  return new McpError(ErrorCode.InternalError, String(error));
}
