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
  publicItemWithScopes: (server: string, item: string, source: string, scopes: readonly string[]) =>
    `MCP server "${server}": ${item} (${source}) is @McpPublic() and declares scopes (${scopes.join(' ')}). A public item needs no token, so its scopes would never be checked. Put @McpPublic() only on the items that need no token (not on a class with scoped methods), or drop the scopes.`,
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

  // Hardening: origin/host checks, limits, shutdown (docs/production.md)
  invalidLimit: (key: string, value: unknown) => `McpModule limits.${key} must be a number >= 0, got ${String(value)}.`,
  forbiddenOrigin: (origin: string) =>
    `Forbidden: origin ${JSON.stringify(origin)} may not call this MCP server (add it to "allowedOrigins").`,
  duplicateHost: () => 'Bad Request: the request has more than one Host header (RFC 9112 section 3.2).',
  forbiddenHost: (host: string) => `Forbidden: host ${JSON.stringify(host)} is not served by this MCP server (add it to "allowedHosts").`,
  tooManySessions: () => 'Service Unavailable: this MCP server has as many sessions as it allows; retry later.',
  tooManySessionsForCaller: (limit: number) =>
    `Too Many Requests: you already hold ${limit} sessions of this MCP server (limits.maxSessionsPerPrincipal); end one (DELETE) or retry later.`,
  shuttingDown: () => 'Service Unavailable: this MCP server is shutting down; retry on another instance.',
  storeUnavailable: () => 'Service Unavailable: the session store of this MCP server cannot be reached; retry later.',
  tooManyStreams: (limit: number) =>
    `Too Many Requests: this session already has ${limit} open responses (streams and pending requests); wait for some to finish.`,
  requestTimedOut: (ms: number) => `Request timed out: no answer within ${ms} ms; the server stopped waiting for it.`,
  invalidUtf8: () => 'Parse error: the request body is not valid UTF-8.',
  tooDeep: (max: number) => `Invalid Request: the message nests arrays and objects deeper than ${max} levels.`,
  invalidMessageShape: () =>
    'the message is not of a shape MCP accepts: the id must be a string or a safe integer, params an object whose _meta (if any) is an object with a string or number progressToken, and no other members than jsonrpc, id, method and params (or result/error for responses).',
  forbiddenJsonKey: () => 'Invalid Request: the body contains a forbidden "__proto__" or "constructor.prototype" key.',
  corsCredentialsWithAnyOrigin: () =>
    'McpModule: "cors.credentials: true" with "allowedOrigins: [\'*\']" would let every web site call this MCP server with its users\' cookies and HTTP credentials. List the origins that may (allowedOrigins: [\'https://app.example.com\']), or turn credentials off.',
  gateInRoute: (path: string) =>
    `The MCP route ${path} was reached without passing the MCP HTTP gate first (an app-level router or body parser the gate does not know?): its Host/Origin checks and body limit now run inside the route, after the app's middleware and guards.`,
  noHostCheck: (address: string) =>
    `MCP server listens on ${address}, not a loopback address, and "allowedHosts" is not set: the Host header is not checked (DNS-rebinding protection off). Set "allowedHosts" in production.`,

  // JSON-RPC level (sent to clients)
  unknownTool: (name: string) => `Unknown tool: ${name}`,
  unknownPrompt: (name: string) => `Unknown prompt: ${name}`,
  resourceNotFound: (uri: string) => `Resource not found: ${uri}`,
  invalidParams: (method: string, detail: string) => `Invalid params for ${method}: ${detail}`,
  invalidToolArguments: (tool: string, detail: string) => `Invalid arguments for tool "${tool}": ${detail}`,
  missingPromptArgument: (prompt: string, name: string) => `Missing required argument "${name}" for prompt "${prompt}".`,
  invalidPromptArguments: (prompt: string, detail: string) => `Invalid arguments for prompt "${prompt}": ${detail}`,
  undeclaredProperties: (dto: string, paths: string[]) =>
    `${paths.map((path) => JSON.stringify(path)).join(', ')} ${paths.length === 1 ? 'is' : 'are'} not declared by ${dto}`,
  invalidToolOutput: (tool: string, detail: string) =>
    `Tool "${tool}" returned a value that does not match its output schema: ${detail}`,
  toolFailed: (tool: string, detail: string) => `Tool "${tool}" failed: ${detail}`,
  // Dispatch
  methodNotFound: (method: string) => `Method not found: ${method}`,
  invalidToolResult: (tool: string, detail: string) => `Tool "${tool}" returned an invalid CallToolResult: ${detail}`,

  invalidCompletionRequest: () =>
    'params.ref must be { type: "ref/prompt", name } or { type: "ref/resource", uri }, and params.argument { name, value } with string values.',
  tooManySubscriptions: (limit: number) =>
    `This session already has ${limit} resource subscriptions (limits.maxSubscriptionsPerSession); unsubscribe from some first.`,

  // Auth: bearer tokens, scopes, protected resource metadata (docs/auth.md)
  authNeedsOneMethod: (server: string) =>
    `MCP server "${server}": "auth" takes one of "jwt" (JWT access tokens) or "verifier" (a TokenVerifier), not both.`,
  authPrincipalWithVerification: (server: string) =>
    `MCP server "${server}": "auth.principal" reads callers authenticated by the app's own guards; with "auth.jwt" or "auth.verifier" the server verifies tokens itself. Set one or the other.`,
  authPackageMissing: (server: string, option: string, pkg: string) =>
    `MCP server "${server}": "${option}" needs the package "${pkg}", which is not installed. Install it: npm install ${pkg}`,
  serializerNotOnHandlers: (server: string) =>
    `MCP server "${server}": the app's global ClassSerializerInterceptor does not run on MCP tool, resource and prompt results (global enhancers guard the MCP route, not its handlers), so fields hidden with @Exclude() are sent to MCP clients when a tool returns a class instance. To serialize them as your routes do: McpModule.forRoot({ ..., inheritGlobalEnhancers: [ClassSerializerInterceptor] }); to keep results as they are and silence this: inheritGlobalEnhancers: false. See docs/enhancers.md.`,
  guardMetadataNotChecked: (server: string, guards: string[], items: string[]) =>
    `MCP server "${server}": the app's global guards (${guards.join(', ')}) do not run on MCP handlers, but these items carry metadata a guard reads on routes: ${items.join(', ')}. No global guard checks it there, so e.g. @Roles() on a tool is not enforced. Give the items scopes (@McpTool({ scopes })), or let the guard run on MCP handlers: @ApplyToMcpHandlers() on its class, or inheritGlobalEnhancers: [TheGuard] (it then runs in the 'mcp' context too). Set inheritGlobalEnhancers (false, or a list) once you have decided, to silence this. See docs/enhancers.md.`,
  authNamelessPrincipal: (server: string) =>
    `MCP server "${server}": a guard of the app left a req.user that names nobody (no subject, sub, id, userId, username, email or client id) on a request without an Authorization header, so such callers cannot be told apart: they share their sessions and 2026-07-28 request states. Give "auth.principal" a mapping that returns a subject; see docs/auth.md.`,
  authScopesWithoutAuth: (server: string, items: string[]) =>
    `MCP server "${server}" has items that declare scopes (${items.join(', ')}) but no "auth" option, so nothing says who is calling. Their calls are refused unless a guard of the app leaves a principal with those scopes on req.user. Set "auth" (jwt, verifier, or {} to read req.user, or principal) to say how callers are known; see docs/auth.md.`,
  authRefusedLog: (server: string, request: string, reason: string, detail: string) =>
    `MCP server "${server}" refused ${request}: ${reason} (${detail})`,
  authNoPrincipal: (scopes: string[]) =>
    scopes.length
      ? `Unauthorized: this needs an authenticated caller with the scope(s) ${scopes.join(' ')}; the request carried no principal.`
      : 'Unauthorized: this needs an authenticated caller; the request carried no principal.',
  authJwtNeedsKey: (server: string) =>
    `MCP server "${server}": "auth.jwt" needs exactly one of "secret", "publicKey" or "jwksUri".`,
  authJwtNoKeyNoServer: (server: string) =>
    `MCP server "${server}": "auth.jwt" names no key ("secret", "publicKey" or "jwksUri") and no authorization server runs in this app. Give a key, or import McpOAuthModule from @nestmcp/oauth, whose tokens it then verifies.`,
  authAlgorithmNone: (server: string) => `MCP server "${server}": "auth.jwt.algorithms" must not contain "none".`,
  authInvalidResource: (server: string, resource: string) =>
    `MCP server "${server}": "auth.resource" must be an absolute http(s) URL without a fragment, got "${resource}".`,
  authGuardNoServer: () =>
    'McpAuthGuard: no McpModule in this application verifies tokens ("auth.jwt" or "auth.verifier"); give one server those options, or use another guard on this route.',
  authGuardAmbiguous: (servers: string[]) =>
    `McpAuthGuard: several MCP servers have "auth" (${servers.join(', ')}); use McpAuthGuard.forServer(name) to pick the one whose tokens this route accepts.`,
  authGuardUnknownServer: (server: string, servers: string[]) =>
    `McpAuthGuard.forServer("${server}"): no MCP server of that name has "auth" (servers with auth: ${servers.join(', ') || 'none'}).`,
  authMissingToken: () => 'Unauthorized: this MCP server needs a bearer token (Authorization: Bearer <token>).',
  authInvalidToken: () => 'Unauthorized: the bearer token is invalid.',
  authExpiredToken: () => 'Unauthorized: the bearer token has expired.',
  authTokenNotYetValid: () => 'Unauthorized: the bearer token is not valid yet.',
  authCheckUnavailable: () => 'Service unavailable: the bearer token cannot be checked right now (the identity provider or the token store is unreachable); retry shortly with the same token.',
  authCheckFailedLog: (server: string, error: string) => `Server "${server}": the token check failed: ${error}`,
  authTokenWithoutExpiry: () => 'Unauthorized: the bearer token has no expiry (exp claim); this server accepts only tokens that expire.',
  authAnonymousRefused: () => 'Unauthorized: this request needs a bearer token; without one only public tools, resources and prompts can be used.',
  authInsufficientScope: (scopes: string[]) => `Forbidden: this needs the scope(s) ${scopes.join(' ')}, which the token lacks.`,

  // Context (thrown at the developer at run time)
  progressWithoutToken: () => 'reportProgress() was called, but the client asked for no progress (no progressToken); nothing was sent.',
  statelessServerRequest: (what: string) =>
    `${what} needs a server-to-client request, which a stateless server cannot make: there is no session to carry the answer. Use a stateful transport (transports.streamableHttp.stateless: false).`,
  clientLacksCapability: (what: string, capability: string) =>
    `${what} is not possible: the client did not declare the "${capability}" capability.`,
  listenNeedsHttp: () => 'subscriptions/listen is served over HTTP only for now; on this channel, use a 2025-11-25 session for notifications.',
  stdioLineTooLong: (max: number) => `Invalid Request: a line on stdin is longer than ${max} bytes (limits.maxBodyBytes); it was dropped.`,
  stdioParseError: (detail: string) => `Parse error: a line on stdin is not JSON (${detail}).`,
  stdioNoServer: (names: string[]) =>
    `McpStdio.serve(): no MCP server has transports: { stdio: true } (servers: ${names.join(', ') || 'none'}). Set it on the server to serve, or name it: McpStdio.serve(AppModule, { server: '...' }).`,
  stdioAmbiguous: (names: string[]) => `McpStdio.serve(): several MCP servers have transports: { stdio: true } (${names.join(', ')}); name one: McpStdio.serve(AppModule, { server: '...' }).`,
  stdioUnknownServer: (name: string, names: string[]) => `McpStdio.serve(): no MCP server named "${name}" (servers: ${names.join(', ') || 'none'}).`,
  noHttpRequestOnStdio: (fn: string) =>
    `${fn}() has no HTTP request to return: this message came over the stdio transport. Read what the process was started with (environment, arguments) instead; getHttpHeaders() is {} there.`,
  outsideMcpRequest: (fn: string) =>
    `${fn}() was called outside an MCP request. Call it from an @McpTool/@McpResource/@McpPrompt method, or from code those methods call.`,

  // Legacy HTTP+SSE transport, request context and the Nest pipeline on MCP handlers (docs/sse.md, docs/context.md)
  sseSessionIdRequired: () => 'Bad Request: the sessionId query parameter is required; open the SSE stream with GET first.',
  sseSessionNotFound: () => 'Session not found: it has ended or never existed. Open a new SSE stream with GET.',
  ssePathClash: (path: string) => `MCP transport paths clash: "${path}" is used by two endpoints; give each its own path.`,
  notMcpExecutionContext: (type: string) =>
    `McpExecutionContext.create() needs an MCP execution context, but got "${type}". Check context.getType() === 'mcp' first (global guards also run on HTTP routes).`,

  // Protocol revision 2026-07-28 (docs/protocol-versions.md)
  modernOnly: () =>
    'This server speaks only MCP 2026-07-28: send server/discover, and a per-request _meta envelope with every request.',
  legacyOnly: (version: string) =>
    `This server speaks only MCP 2025-11-25 (initialize and sessions), not ${version}.`,
  modernMethodNotAllowed: () => 'Method Not Allowed: this server speaks only MCP 2026-07-28, which has no GET stream and no sessions to delete.',
  headerMissing: (header: string, method: string) =>
    `Bad Request: the request headers and body disagree: the body names method ${method} but the required ${header} header is absent`,
  nameHeaderMismatch: (field: string, body: string, header: string) =>
    `Bad Request: the request headers and body disagree: the body carries params.${field}="${body}" but the Mcp-Name header names "${header}"`,
  nameHeaderInvalid: () => 'Bad Request: the Mcp-Name header carries an invalid Base64 sentinel value.',
  invalidListenFilter: () => "Invalid params: 'notifications' is required and must be a valid SubscriptionFilter.",
  requestStateInvalid: (reason: string) => `Invalid requestState: ${reason}. Call the tool again without requestState to start over.`,
  requestStateReasons: {
    malformed: 'it is malformed or was not issued by this server',
    forged: 'its signature does not match',
    expired: 'it has expired',
    replayed: 'it was already used',
    otherCaller: 'it was issued to another caller',
    otherRequest: 'it was issued for another request',
  },
  elicitationAnswerInvalid: (detail: string) => `Elicitation response content does not match requested schema: ${detail}`,
  listenAnonymousRefused: () => 'Unauthorized: subscriptions/listen on this server needs a bearer token.',
  requestStateSecretTooShort: () => 'McpModule modern.requestStateSecret must be at least 32 bytes.',
  // Tools from REST routes and OpenAPI operations (docs/rest-as-tools.md)
  restArgumentMissing: (argument: string) => `Missing required argument "${argument}".`,
  restPathParameterInvalid: (argument: string) =>
    `Argument "${argument}" must be a non-empty string or a number, and not "." or ".." (it is one segment of the URL path).`,
  restQueryParameterInvalid: (argument: string) => `Argument "${argument}" must be a string, a number, a boolean, or an array of them.`,
  restHeaderParameterInvalid: (argument: string) => `Argument "${argument}" must be a string, a number or a boolean, without line breaks.`,
  restStatus: (status: number) => `The REST call failed with HTTP status ${status}.`,
  restInvalidJson: () => 'The REST call answered with a JSON content type but a body that is not valid JSON.',
  restNotJson: (status: number) => `The REST call answered ${status} without a JSON body, but this tool declares a JSON result.`,
  restTimeout: (ms: number) => `The REST call took longer than ${ms} ms and was abandoned.`,
  restResponseTooLarge: (bytes: number) => `The REST call's response is larger than ${bytes} bytes and was abandoned.`,
  restUnreachable: (route: string) => `The REST service of ${route} could not be reached.`,
  restUnreachableLog: (route: string, base: string, reason: string) => `REST tool call ${route}: the service at ${base} could not be reached: ${reason}`,
  restOtherRoute: (route: string) =>
    `The request for ${route} was routed by the app to another handler, which is not this tool's route; it was refused there.`,
  restRouteNotReached: (route: string) =>
    `The request for ${route} was answered before it reached the route (by middleware or a handler outside Nest's router); that answer is not this tool's result.`,
  restRequestTooLarge: (route: string, bytes: number, limit: number) =>
    `The request for ${route} would have ${bytes} bytes of request line and headers, more than the ${limit} the server accepts; give shorter path or query arguments.`,
  restNoResponse: (route: string) => `The app closed the connection of the request for ${route} without a whole answer.`,
  restNoHttpServer: (route: string) => `The tool calls the route ${route} of this app, but the app has no HTTP server (is it initialised?).`,
  restCustomVersioning: (where: string) =>
    `${where} cannot be a tool: the app uses custom versioning, so which request reaches this route is not known. Use URI, header or media-type versioning, or write a tool for it.`,
  restRouteNotController: (name: string) => `McpModule routes.include names ${name}, which is not a controller of this application.`,
  openApiInvalid: (detail: string) => `fromOpenApi(): ${detail}`,
  openApiBadBaseUrl: (baseUrl: string) => `fromOpenApi(): baseUrl "${baseUrl}" must be an absolute http(s) URL without credentials, query or fragment.`,
  openApiBadPath: (path: string, source: string, problem: string) =>
    `fromOpenApi(): the path "${path}" of ${source} ${problem} (it is appended to baseUrl, and credentials go with it).`,
  openApiUrlEscapes: (route: string) => `The request for ${route} would leave the service's baseUrl and was not sent.`,
  sharedProtocolStateWritten: (field: string) =>
    `The MCP SDK wrote to Server.${field}, which this module shares between sessions as an empty, unwritten table; this SDK version needs a change in execution/protocol-server-state.ts.`,
  openApiRefNotFound: (ref: string) => `fromOpenApi(): $ref "${ref}" points to nothing in the document (only local "#/..." references are followed).`,
} as const;
