/**
 * Every user-facing text of @nestmcp/core: HTTP and JSON-RPC errors sent to clients, tool error results,
 * and start-up errors thrown at developers. Keep wording here, so it is consistent and easy to review.
 */
export const McpMessages = {
  // Start-up (thrown at the developer)
  duplicateTool: (server: string, name: string, first: string, second: string) =>
    `MCP server "${server}" has two tools named "${name}": ${first} and ${second}. Give one of them another name with @McpTool({ name }).`,
  duplicatePrompt: (server: string, name: string, first: string, second: string) =>
    `MCP server "${server}" has two prompts named "${name}": ${first} and ${second}. Give one of them another name with @McpPrompt({ name }).`,
  duplicateResource: (server: string, uri: string, first: string, second: string) =>
    `MCP server "${server}" has two resources for "${uri}": ${first} and ${second}.`,
  resourceNeedsUri: (where: string) =>
    `@McpResource() on ${where} needs either "uri" (a fixed resource) or "uriTemplate" (an RFC 6570 template such as "notes://{id}").`,
  resourceUriAndTemplate: (where: string) =>
    `@McpResource() on ${where} sets both "uri" and "uriTemplate"; set one of them.`,
  unsupportedSchema: (where: string) =>
    `${where}: the schema must be a zod schema, a zod object shape, a class-validator DTO class, or a JSON Schema object.`,
  inputSchemaNotObject: (where: string, type: string) =>
    `${where}: a tool's input schema must describe an object (JSON Schema "type": "object"), not "${type}".`,
  invalidServerName: () => 'McpModule options need a non-empty "name" for the server.',
  invalidPath: (path: string) => `MCP transport path "${path}" must start with "/".`,
  pathMismatch: (staticPath: string, factoryPath: string) =>
    `McpModule.forRootAsync: the factory returned transports with path "${factoryPath}", but the routes were registered at "${staticPath}". Routes are fixed when the module is defined: pass "transports" to forRootAsync() itself.`,
  unknownServerInDecorator: (where: string, server: string, known: string) =>
    `${where} asks for MCP server "${server}", which no McpModule.forRoot() in this application defines (servers: ${known}).`,

  // HTTP transport (sent to clients)
  parseError: () => 'Parse error: the request body is not valid JSON.',
  invalidJsonRpc: () => 'Invalid Request: the body is not a JSON-RPC 2.0 message.',
  batchNotSupported: () =>
    'Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18); send one message per POST.',
  notAcceptable: (needed: string) => `Not Acceptable: the Accept header must include ${needed}.`,
  unsupportedMediaType: () => 'Unsupported Media Type: Content-Type must be application/json.',
  sessionIdRequired: () => 'Bad Request: Mcp-Session-Id header is required; send initialize first to open a session.',
  sessionNotFound: () => 'Session not found: it has ended or never existed. Send initialize to open a new session.',
  alreadyInitialized: () => 'Invalid Request: this session is already initialized; send initialize without Mcp-Session-Id.',
  unsupportedProtocolVersion: (version: string, supported: readonly string[]) =>
    `Bad Request: unsupported MCP-Protocol-Version "${version}" (supported: ${supported.join(', ')}).`,
  methodNotAllowed: (method: string, allowed: string) =>
    `Method Not Allowed: ${method} is not served here (allowed: ${allowed}).`,
  statelessNoStream: () => 'Method Not Allowed: this server is stateless; it has no sessions and no standalone SSE stream.',
  streamAlreadyOpen: () => 'Conflict: this session already has an open SSE stream for server messages.',
  duplicateRequestId: (id: string | number) => `Invalid Request: a request with id ${JSON.stringify(id)} is already in flight in this session.`,
  bodyTooLarge: (limit: number) => `Payload Too Large: the request body is larger than ${limit} bytes.`,
  httpError: (status: number, message: string) => `HTTP ${status}: ${message}`,
  internalError: () => 'Internal error',

  // JSON-RPC level (sent to clients)
  unknownTool: (name: string) => `Unknown tool: ${name}`,
  unknownPrompt: (name: string) => `Unknown prompt: ${name}`,
  resourceNotFound: (uri: string) => `Resource not found: ${uri}`,
  invalidParams: (method: string, detail: string) => `Invalid params for ${method}: ${detail}`,
  invalidToolArguments: (tool: string, detail: string) => `Invalid arguments for tool "${tool}": ${detail}`,
  missingPromptArgument: (prompt: string, name: string) => `Missing required argument "${name}" for prompt "${prompt}".`,
  invalidPromptArguments: (prompt: string, detail: string) => `Invalid arguments for prompt "${prompt}": ${detail}`,
  invalidToolOutput: (tool: string, detail: string) =>
    `Tool "${tool}" returned a value that does not match its output schema: ${detail}`,
  toolFailed: (tool: string, detail: string) => `Tool "${tool}" failed: ${detail}`,
  // Dispatch (issue 7: one fallback handler per connection)
  methodNotFound: (method: string) => `Method not found: ${method}`,
  invalidToolResult: (tool: string, detail: string) => `Tool "${tool}" returned an invalid CallToolResult: ${detail}`,

  unknownCompletionRef: (ref: string) => `Nothing to complete for ${ref}.`,

  // Context (thrown at the developer at run time)
  progressWithoutToken: () => 'reportProgress() was called, but the client asked for no progress (no progressToken); nothing was sent.',
  statelessServerRequest: (what: string) =>
    `${what} needs a server-to-client request, which a stateless server cannot make: there is no session to carry the answer. Use a stateful transport (transports.streamableHttp.stateless: false).`,
  clientLacksCapability: (what: string, capability: string) =>
    `${what} is not possible: the client did not declare the "${capability}" capability.`,
  outsideMcpRequest: (fn: string) =>
    `${fn}() was called outside an MCP request. Call it from an @McpTool/@McpResource/@McpPrompt method, or from code those methods call.`,
} as const;
