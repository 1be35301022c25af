export * from './mcp-options.interface.js';
export * from './mcp-protocol.types.js';
export * from './mcp-schema.interface.js';
export * from './mcp-tool-options.interface.js';
export * from './mcp-resource-options.interface.js';
export * from './mcp-prompt-options.interface.js';
export * from './mcp-auth-options.interface.js';
export * from './token-verifier.interface.js';
