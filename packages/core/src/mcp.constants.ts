/** Metadata keys and injection tokens of @nestmcp/core. Import these instead of repeating the strings. */
export const MCP_TOOL_METADATA = 'nestmcp:tool';
export const MCP_RESOURCE_METADATA = 'nestmcp:resource';
export const MCP_PROMPT_METADATA = 'nestmcp:prompt';
/** The context type of MCP handlers, for guards and interceptors (`context.getType() === 'mcp'`). */
export const MCP_CONTEXT_TYPE = 'mcp';

/** Header names of the Streamable HTTP transport (lower-case, as Node gives them). */
export const MCP_SESSION_ID_HEADER = 'mcp-session-id';
export const MCP_PROTOCOL_VERSION_HEADER = 'mcp-protocol-version';

/** Default path of the Streamable HTTP endpoint. */
export const DEFAULT_STREAMABLE_HTTP_PATH = '/mcp';

/** Default paths of the legacy HTTP+SSE transport (MCP 2024-11-05). */
export const DEFAULT_SSE_PATH = '/sse';
export const DEFAULT_SSE_MESSAGES_PATH = '/messages';

/**
 * Injection token of the HTTP request that carried the current MCP message (a request-scoped provider):
 * `constructor(@Inject(MCP_HTTP_REQUEST) req: Request)`. On plain HTTP routes it is that route's request.
 */
export const MCP_HTTP_REQUEST = Symbol('MCP_HTTP_REQUEST');
/** Metadata of `@RequireScopes()` and `@McpPublic()` (auth). */
export const MCP_SCOPES_METADATA = 'nestmcp:scopes';
export const MCP_PUBLIC_METADATA = 'nestmcp:public';
/** Metadata of `@ApplyToMcpHandlers()`: a global enhancer that also runs on MCP handlers. */
export const MCP_HANDLER_ENHANCER_METADATA = 'nestmcp:handler-enhancer';
/** Path of the OAuth 2.0 Protected Resource Metadata (RFC 9728); the MCP path is appended for the path-inserted form. */
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';
/**
 * Injection token of the authorization server that runs in this app (an `McpInAppAuthorizationServer`, provided
 * globally by `McpOAuthModule` of @nestmcp/oauth). When present, servers with `auth` name it in their protected
 * resource metadata, and `auth.jwt` without a key verifies its access tokens against its keys, in memory.
 */
export const MCP_AUTHORIZATION_SERVER = Symbol.for('nestmcp:authorization-server');
