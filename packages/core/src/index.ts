// Public API of @nestmcp/core: contracts and what apps call. Containers (the in-memory stores but the event
// store, the connection table, the endpoints) are internal: they are reached through these contracts and tokens.

// The module and its tokens
export { McpModule } from './mcp.module.js';
export { MCP_MODULE_OPTIONS } from './mcp.module-definition.js';
export {
  MCP_TOOL_METADATA,
  MCP_RESOURCE_METADATA,
  MCP_PROMPT_METADATA,
  MCP_CONTEXT_TYPE,
  MCP_SESSION_ID_HEADER,
  MCP_PROTOCOL_VERSION_HEADER,
  MCP_HTTP_REQUEST,
  MCP_SCOPES_METADATA,
  MCP_PUBLIC_METADATA,
  PROTECTED_RESOURCE_METADATA_PATH,
  MCP_AUTHORIZATION_SERVER,
} from './mcp.constants.js';
export { McpMessages } from './mcp.messages.js';

// Decorators, option types, protocol types
export * from './decorators/index.js';
export * from './interfaces/index.js';
export { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';

// The request context and the MCP context
export * from './context/index.js';
export { getAccessToken } from './auth/get-access-token.js';
export { McpContext, type McpLogger, type McpClientInputs } from './context/mcp-context.js';
export type { McpHandlerArgs } from './execution/mcp-params.factory.js';
export { McpExecutionContext } from './execution/mcp-execution-context.js';

// Runtime registration (McpRegistry and the types of its methods) and the session service (counts, for health)
export { McpRegistry } from './registry/mcp-registry.js';
export type { McpHandlerFn, McpListKind, RegisteredTool } from './registry/mcp-registry.types.js';
export { McpSessions } from './sessions/mcp-sessions.js';
export { McpHttpExceptionFilter } from './transports/mcp-http-exception.filter.js';

// Stores: the contracts (an interface and a same-name injection token each), for `stores` and overrideProvider
export { McpSessionStore, type McpSessionRecord, type McpSessionRecordChanges, type McpSessionTransportKind } from './stores/mcp-session-store.js';
export { McpEventStore } from './stores/mcp-event-store.js';
export { McpMessageBus, type McpBusMessage, type McpBusSubscription } from './stores/mcp-message-bus.js';
export { McpReplayGuard } from './stores/mcp-replay-guard.js';
// The default event store stays public for its bounds (`maxEventsPerSession`, `maxBytesPerSession`).
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './stores/in-memory-event-store.js';
export { McpErrorCode } from './mcp-error-codes.js';

// Production
export { McpHealth, type McpHealthReport } from './health/mcp-health.js';

// stdio (docs/stdio.md)
export { McpStdio, type McpStdioOptions, type McpStdioServer } from './stdio/mcp-stdio.js';
export { McpStderrLogger } from './stdio/stderr-logger.js';
export type { McpChannel } from './context/request-context.js';

// Tools from another REST service's OpenAPI document (the app's own routes: `routes` / `@McpTool()` on a route)
export { fromOpenApi } from './rest-tools/from-openapi.js';

// Bearer auth
export { McpAuthGuard } from './auth/mcp-auth.guard.js';
export { StaticTokenVerifier, type StaticTokenGrant } from './auth/token-verifiers/static-token.verifier.js';
