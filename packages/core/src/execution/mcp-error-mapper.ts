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

/**
 * An McpError whose message is the message itself. The 2025 SDK's McpError puts "MCP error <code>: " in front
 * of every message, and its client adds it again when it reads the error ("MCP error -32602: MCP error -32602:
 * ..."); the wire carries the code in its own member, so the message goes without it.
 */
class McpWireError extends McpError {
  constructor(code: number, message: string, data?: unknown) {
    super(code, message, data);
    this.message = message;
  }
}

/**
 * Throws `error` as it should leave on the 2025 path: an McpError with its "MCP error N: " prefix taken off
 * (same code and data); anything else as it is (the SDK turns it into -32603). For the SDK Server's handlers.
 */
export function throwWithBareMessage(error: unknown): never {
  if (error instanceof McpError && !(error instanceof McpWireError)) {
    const prefix = `MCP error ${error.code}: `;
    if (error.message.startsWith(prefix)) {
      const wire = new McpWireError(error.code, error.message.slice(prefix.length), error.data);
      wire.stack = error.stack;
      throw wire;
    }
  }
  throw error;
}
