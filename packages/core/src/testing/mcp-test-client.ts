import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Server as HttpServer } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type ElicitRequestParams,
  type ElicitResult,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpChannels } from '../endpoint/mcp-channels.js';
import { fakeHttpExchange } from './fake-http-request.js';
import { findMcpServer } from './find-mcp-channels.js';
import { McpTestHelpers, type McpClientLike } from './mcp-test-helpers.js';
import { McpTestingMessages } from './mcp-testing.messages.js';

/** How the test client reaches the server. */
export type McpTestTransport = 'in-memory' | 'streamable-http' | 'sse';

/** The revision whose client is the SDK v2 `Client` (multi-round-trip requests, no sessions). */
export const MCP_TEST_MODERN_REVISION = '2026-07-28';

export interface McpTestClientOptions {
  /** The MCP server to talk to, by its `McpModule.forRoot({ name })`; needed when the app has several. */
  server?: string;
  /**
   * `in-memory` (default for a TestingModule or an app that does not listen): no port, every message through the
   * same pipeline as HTTP, with a fake HTTP request made of `headers` and `token`. `streamable-http` / `sse` (default
   * `streamable-http` for a listening app): the real HTTP transport; the app listens on port 0 if it does not yet.
   */
  transport?: McpTestTransport;
  /** Headers of every request (in-memory: of the fake request), e.g. `{ 'accept-language': 'fr' }`. */
  headers?: Record<string, string>;
  /** A bearer token sent as `Authorization: Bearer <token>` with every request. */
  token?: string;
  /** `'2026-07-28'`: the SDK v2 client, pinned to that revision. Default: the 2025-11-25 client (SDK v1, sessions). */
  protocolVersion?: string;
  /** Capabilities the client declares (`elicitation` and `sampling` are added for `onElicit` / `onSample`). */
  capabilities?: ClientCapabilities;
  /** Answers the server's elicitation requests (2025: server-to-client requests; 2026-07-28: input requests). */
  onElicit?: (params: ElicitRequestParams) => ElicitResult | Promise<ElicitResult>;
  /** Answers the server's sampling requests (`ctx.sample()`), in both revisions. */
  onSample?: (params: CreateMessageRequestParams) => CreateMessageResult | Promise<CreateMessageResult>;
  /** Client name and version sent to the server. Default `nestmcp-test` 1.0.0. */
  clientInfo?: { name: string; version: string };
}

/** A connected test client: the helpers, and the official SDK client as `client`. */
export type McpTestClient<TClient extends McpClientLike = Client> = McpTestHelpers<TClient>;

/** The client transport of one of the two SDK lines, as `Client.connect()` takes it. */
type AnyTransport = Parameters<Client['connect']>[0];

function isListening(app: INestApplicationContext): boolean {
  const getHttpServer = (app as Partial<INestApplication>).getHttpServer;
  if (typeof getHttpServer !== 'function') return false;
  return (getHttpServer.call(app) as HttpServer | undefined)?.listening === true;
}

function capabilitiesOf(options: McpTestClientOptions, modern: boolean): ClientCapabilities {
  const capabilities: ClientCapabilities = { ...options.capabilities };
  if (options.onElicit && !capabilities.elicitation) capabilities.elicitation = modern ? ({ form: {} } as ClientCapabilities['elicitation']) : {};
  if (options.onSample && !capabilities.sampling) capabilities.sampling = {};
  return capabilities;
}

function headersOf(options: McpTestClientOptions): Record<string, string> {
  return { ...options.headers, ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }) };
}

/** The SDK v2 client, loaded only for the 2026-07-28 revision (an optional peer dependency). */
async function loadClientV2(): Promise<typeof import('@modelcontextprotocol/client')> {
  try {
    return await import('@modelcontextprotocol/client');
  } catch (error) {
    throw new Error(McpTestingMessages.clientPackageMissing(), { cause: error });
  }
}

/**
 * Connects the official SDK client to an MCP server of a Nest app or testing module, for tests:
 *
 * ```ts
 * const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
 * const mcp = await createMcpTestClient(moduleRef);            // in memory: no port
 * expect(await mcp.callTool('add', { a: 1, b: 2 })).toEqual({ sum: 3 });
 * await mcp.close();
 * ```
 *
 * In memory, each message meets what it meets over HTTP once its body is read: the route's guards (global ones,
 * `APP_GUARD`s, the server's own token check) on a fake HTTP request made of `headers` and `token`, the per-item
 * scopes, then the dispatcher, validation and the Nest pipeline around the handler (guards, interceptors, pipes,
 * filters, request-scoped providers). See docs/testing.md.
 */
export async function createMcpTestClient(app: INestApplicationContext, options?: McpTestClientOptions & { protocolVersion?: undefined }): Promise<McpTestClient>;
/**
 * The 2026-07-28 client is the SDK v2 `Client` of `@modelcontextprotocol/client`, an optional peer: name it as the
 * type argument to get its type (`createMcpTestClient<Client>(app, { protocolVersion: '2026-07-28' })`), so that
 * apps that do not install it still type-check this declaration.
 */
export async function createMcpTestClient<TClient extends McpClientLike = McpClientLike>(app: INestApplicationContext, options: McpTestClientOptions & { protocolVersion: '2026-07-28' }): Promise<McpTestClient<TClient>>;
export async function createMcpTestClient(app: INestApplicationContext, options?: McpTestClientOptions): Promise<McpTestClient<McpClientLike>>;
export async function createMcpTestClient(app: INestApplicationContext, options: McpTestClientOptions = {}): Promise<McpTestClient<McpClientLike>> {
  const server = findMcpServer(app, options.server, 'createMcpTestClient');
  const transport = options.transport ?? (isListening(app) ? 'streamable-http' : 'in-memory');
  const modern = options.protocolVersion === MCP_TEST_MODERN_REVISION;
  if (modern && transport === 'sse') throw new Error(McpTestingMessages.sseIs2025Only());
  const clientInfo = options.clientInfo ?? { name: 'nestmcp-test', version: '1.0.0' };
  const capabilities = capabilitiesOf(options, modern);

  if (modern) {
    const v2 = await loadClientV2();
    const client = new v2.Client(clientInfo, { capabilities: capabilities as never, versionNegotiation: { mode: { pin: MCP_TEST_MODERN_REVISION } } });
    if (options.onElicit) client.setRequestHandler('elicitation/create', (request) => options.onElicit!(request.params as ElicitRequestParams) as never);
    if (options.onSample) client.setRequestHandler('sampling/createMessage', (request) => options.onSample!(request.params as CreateMessageRequestParams) as never);
    if (transport === 'in-memory') {
      const [clientSide, serverSide] = v2.InMemoryTransport.createLinkedPair();
      const closeChannel = linkInMemory(server, serverSide as unknown as LinkedTransport, options);
      await client.connect(clientSide);
      return new McpTestHelpers(client as unknown as McpClientLike, closeChannel) as McpTestClient<McpClientLike>;
    }
    const url = await endpointUrl(app, server, transport);
    await client.connect(new v2.StreamableHTTPClientTransport(url, { requestInit: { headers: headersOf(options) } }));
    return new McpTestHelpers(client as unknown as McpClientLike);
  }

  const client = new Client(clientInfo, { capabilities });
  if (options.onElicit) client.setRequestHandler(ElicitRequestSchema, (request) => options.onElicit!(request.params));
  if (options.onSample) client.setRequestHandler(CreateMessageRequestSchema, (request) => options.onSample!(request.params));
  if (transport === 'in-memory') {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const closeChannel = linkInMemory(server, serverSide, options);
    await client.connect(clientSide);
    return new McpTestHelpers(client, closeChannel);
  }
  const url = await endpointUrl(app, server, transport);
  const headers = headersOf(options);
  const clientTransport: AnyTransport =
    transport === 'sse'
      ? new SSEClientTransport(url, {
          requestInit: { headers },
          eventSourceInit: { fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
        })
      : new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  await client.connect(clientTransport);
  return new McpTestHelpers(client);
}

/** The server side of an SDK in-memory pair (v1 or v2): what the link uses of it. */
interface LinkedTransport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  start(): Promise<void>;
  send(message: JSONRPCMessage): Promise<void>;
}

/** Connects the server side of an in-memory pair to a channel of the server; returns what closes the channel. */
function linkInMemory(server: McpChannels, serverSide: LinkedTransport, options: McpTestClientOptions): () => Promise<void> {
  const path = server.resolved.streamableHttp?.path ?? server.resolved.sse?.messagesPath ?? '/mcp';
  const connection = server.connect({
    kind: 'in-memory',
    output: (message) => void serverSide.send(message).catch(() => undefined),
    exchange: () => fakeHttpExchange({ headers: options.headers, token: options.token, path }),
  });
  serverSide.onmessage = (message) => connection.receive(message);
  serverSide.onclose = () => void connection.close();
  void serverSide.start();
  return () => connection.close();
}

/** The URL of the server's endpoint for an HTTP transport; the app listens on port 0 (loopback) if it does not yet. */
async function endpointUrl(app: INestApplicationContext, server: McpChannels, transport: 'streamable-http' | 'sse'): Promise<URL> {
  const http = app as Partial<INestApplication>;
  if (typeof http.getHttpServer !== 'function' || typeof http.listen !== 'function') throw new Error(McpTestingMessages.httpNeedsApp(transport));
  if (!isListening(app)) await http.listen(0, '127.0.0.1');
  const base = (await http.getUrl!()).replace('[::1]', '127.0.0.1');
  const { streamableHttp, sse } = server.resolved;
  const own = transport === 'sse' ? sse?.path : streamableHttp?.path;
  if (own === undefined) throw new Error(McpTestingMessages.transportOff(transport, server.serverName));
  // The served path of the resource (global prefix, versioning) with this transport's path in place of its own.
  const served = server.auth.resourcePath();
  const resourceOwn = streamableHttp?.path ?? sse?.path ?? own;
  const prefix = served.endsWith(resourceOwn) ? served.slice(0, served.length - resourceOwn.length) : '';
  return new URL(`${prefix}${own}`, base);
}
