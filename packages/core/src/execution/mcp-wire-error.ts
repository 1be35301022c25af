import { McpError } from '@modelcontextprotocol/sdk/types.js';

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

/** An error with a code and a message as it should leave on the 2025 path (same code and data, bare message). */
export function wireError(code: number, message: string, data?: unknown): McpError {
  return new McpWireError(code, message, data);
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
