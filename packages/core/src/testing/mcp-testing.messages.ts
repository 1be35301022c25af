/** Every text the testing kit (`@nestmcp/core/testing`) throws at the developer. */
export const McpTestingMessages = {
  noServer: (what: string) => `${what}: this app has no MCP server (no McpModule.forRoot() among its imports).`,
  unknownServer: (what: string, server: string, names: string[]) =>
    `${what}: no MCP server named "${server}" in this app (servers: ${names.join(', ') || 'none'}).`,
  ambiguousServer: (what: string, names: string[]) => `${what}: this app has several MCP servers (${names.join(', ')}); name one with { server: '...' }.`,
  httpNeedsApp: (transport: string) =>
    `createMcpTestClient({ transport: '${transport}' }) needs a Nest application: call moduleRef.createNestApplication() and app.init(), or use the default in-memory transport.`,
  transportOff: (transport: string, server: string) => `createMcpTestClient({ transport: '${transport}' }): the MCP server "${server}" does not serve that transport (see its transports options).`,
  sseIs2025Only: () => "createMcpTestClient: the legacy 'sse' transport speaks the 2025 revisions only; use 'in-memory' or 'streamable-http' with protocolVersion '2026-07-28'.",
  clientPackageMissing: () =>
    "createMcpTestClient({ protocolVersion: '2026-07-28' }) needs the SDK v2 client: npm install --save-dev @modelcontextprotocol/client",
  toolError: (tool: string, text: string) => text || `the tool "${tool}" reported an error without text`,
  noJwt: (server: string) =>
    `createMcpTestToken(): the MCP server "${server}" has no auth.jwt. With auth.verifier, send a token your verifier knows; with the app's own guard, sign with the key that guard checks (see docs/testing.md).`,
  needsPrivateKey: (server: string) =>
    `createMcpTestToken(): the MCP server "${server}" checks JWTs with a public key (auth.jwt.publicKey or jwksUri); give the matching private key: createMcpTestToken(app, claims, { privateKey }).`,
  josePackageMissing: () => 'createMcpTestToken() signs with jose: npm install --save-dev jose',
} as const;
