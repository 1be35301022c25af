import { createServer, maxHeaderSize, request as httpRequest, type Server } from 'node:http';
import { duplexPair } from 'node:stream';
import { Server as TlsServer } from 'node:tls';
import { McpMessages } from '../mcp.messages.js';
import { runOutsideMcpRequestContext } from '../context/request-context.js';
import type { CallerAddress } from './caller-address.js';
import type { RestRequest } from './rest-request.js';
import type { RestResponse } from './rest-response.js';
import { expectRoute, type RouteTarget } from './route-target.js';

/** What an in-process request needs besides the request itself. */
export interface InProcessCallOptions {
  /** The MCP caller's end of its connection, shown to the app as the in-process connection's (`req.ip`, `req.secure`). */
  readonly caller: CallerAddress;
  /** The route the request is for: any other handler Nest routes it to is refused (McpRouteTargetGuard). */
  readonly target: Omit<RouteTarget, 'verdict'>;
  /** The route as error texts name it, e.g. `GET /api/notes/{id}` (never the in-process URL). */
  readonly route: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** A REST call that failed before it had a response to turn into a result (timeout, size cap, broken exchange). */
export class RestCallError extends Error {}

const plainMirrors = new WeakMap<Server, Server>();

/**
 * The server to give an in-process connection to. An HTTPS server (`httpsOptions`) expects a TLS handshake on a new
 * connection, so its requests come through a plain HTTP server that hands each parsed request to the HTTPS server's
 * own `request` listeners (the framework's handler), made once per server.
 */
function plainServerFor(server: Server): Server {
  if (!(server instanceof TlsServer)) return server;
  let mirror = plainMirrors.get(server);
  if (!mirror) {
    mirror = createServer((req, res) => server.emit('request', req, res));
    plainMirrors.set(server, mirror);
  }
  return mirror;
}

/**
 * Sends one HTTP/1.1 request into the app's own HTTP server without a network: the server gets one end of an
 * in-memory socket pair as a new connection (`server.emit('connection')`), Node's HTTP client writes the request
 * on the other end. So the request is parsed by Node's HTTP parser and served by whatever listens on the server
 * (Express or Fastify, their middleware, Nest's router, guards, interceptors, pipes, filters), exactly as one
 * from the network, and the response is read by Node's HTTP client, with a deadline and a size cap.
 *
 * Why not light-my-request (which Fastify's `inject()` uses): given an Express app it rewires Express's shared
 * request and response prototypes onto its own mocks, so the app's live requests would inherit from them; given a
 * wrapper function instead, Express swaps the mock objects' prototypes and the response is never collected. The
 * socket pair needs no mock at all and is one path for both adapters.
 *
 * It runs outside the MCP request context: to the route it is a request of its own, not part of the MCP call.
 */
export function callInProcess(server: Server, rest: RestRequest, options: InProcessCallOptions): Promise<RestResponse> {
  const body = rest.body === undefined ? undefined : Buffer.from(rest.body, 'utf8');
  const headers = { ...rest.headers, ...(body && { 'content-length': String(body.length) }), connection: 'close' };
  // Node's parser drops a request whose request line and headers pass its limit and, on a socket pair, never tells the
  // client side: the call would wait for its whole deadline. Said at once instead.
  const limit = (server as Server & { maxHeaderSize?: number }).maxHeaderSize ?? maxHeaderSize;
  const headSize = requestHeadSize(rest.method, rest.target, headers);
  if (headSize > limit) return Promise.reject(new RestCallError(McpMessages.restRequestTooLarge(options.route, headSize, limit)));
  return runOutsideMcpRequestContext(
    () =>
      new Promise<RestResponse>((resolve, reject) => {
        const [clientSide, serverSide] = duplexPair();
        const target: RouteTarget = { ...options.target };
        expectRoute(serverSide, target);
        showCallerOn(serverSide, options.caller);
        let done = false;
        const finish = (error?: Error, response?: RestResponse) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          clientSide.destroy();
          serverSide.destroy();
          if (error) reject(error);
          else resolve(response!);
        };
        let outgoing: ReturnType<typeof httpRequest> | undefined;
        const timer = setTimeout(() => {
          outgoing?.destroy();
          finish(new RestCallError(McpMessages.restTimeout(options.timeoutMs)));
        }, options.timeoutMs);
        try {
          // Throws at once for a header value or path Node will not send (a character above U+00FF, a control
          // character): a tool error, and the deadline timer goes with it (it fired later on a request never made and
          // crashed the process).
          outgoing = httpRequest({ method: rest.method, path: rest.target, headers, createConnection: () => clientSide }, (incoming) => {
            const chunks: Buffer[] = [];
            let size = 0;
            incoming.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > options.maxResponseBytes) {
                incoming.destroy();
                finish(new RestCallError(McpMessages.restResponseTooLarge(options.maxResponseBytes)));
                return;
              }
              chunks.push(chunk);
            });
            incoming.on('end', () => {
              const status = incoming.statusCode ?? 500;
              // Routed to another handler: refused there, and what the app answered for it is not the tool's result.
              if (target.verdict === 'other') return finish(new RestCallError(McpMessages.restOtherRoute(options.route)));
              // Answered before any route's guards ran (middleware, a handler outside Nest's router): a refusal (4xx,
              // 5xx) is passed on as the route's would be, anything else is not the route's answer.
              if (target.verdict === undefined && status < 400) return finish(new RestCallError(McpMessages.restRouteNotReached(options.route)));
              finish(undefined, { status, contentType: incoming.headers['content-type'], body: Buffer.concat(chunks) });
            });
            incoming.on('error', () => finish(new RestCallError(McpMessages.restNoResponse(options.route))));
          });
        } catch (error) {
          finish(new RestCallError((error as Error).message));
          return;
        }
        // The server end destroyed (a parse error, a framework's clientError handler, a handler that drops the
        // connection): a socket pair does not pass that on, so the client end gets its end of stream here, reads
        // what was written before it (a 4xx of the parser's, say), and fails if that was no whole response.
        serverSide.on('close', () => clientSide.push(null));
        outgoing.on('error', () => finish(new RestCallError(McpMessages.restNoResponse(options.route))));
        plainServerFor(server).emit('connection', serverSide);
        outgoing.end(body);
      }),
  );
}

/** The bytes of a request's line and headers as Node's HTTP client writes them (what the server's limit counts). */
function requestHeadSize(method: string, target: string, headers: Record<string, string>): number {
  let size = Buffer.byteLength(`${method} ${target} HTTP/1.1\r\n\r\n`, 'latin1');
  for (const [name, value] of Object.entries(headers)) size += Buffer.byteLength(`${name}: ${value}\r\n`, 'latin1');
  return size;
}

/** The MCP caller's end of its connection, as the app's framework reads it off the in-process connection. */
function showCallerOn(serverSide: object, caller: CallerAddress): void {
  Object.defineProperty(serverSide, 'remoteAddress', { value: caller.remoteAddress, configurable: true });
  Object.defineProperty(serverSide, 'remotePort', { value: caller.remotePort, configurable: true });
  Object.defineProperty(serverSide, 'remoteFamily', { value: caller.remoteFamily, configurable: true });
  // Express's req.secure / req.protocol and Fastify's request.protocol read the socket's `encrypted`.
  if (caller.encrypted) Object.defineProperty(serverSide, 'encrypted', { value: true, configurable: true });
}
