/**
 * The protocol-neutral error of an MCP operation: a JSON-RPC code, the message as the client should read it, and
 * optional data. Each revision's dispatcher turns it into its SDK's error (`McpError` on 2025-11-25,
 * `ProtocolError` on 2026-07-28).
 */
export class McpOperationError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'McpOperationError';
  }
}
