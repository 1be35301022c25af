import { readJsonBody, type BodyOutcome } from './mcp-body-parser.js';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * One HTTP request and its response, as Node objects, whatever the Nest platform: Express hands us Node's
 * own objects, Fastify wraps them (`request.raw`, `reply.raw`; the reply is hijacked so Fastify leaves it to us).
 */
export interface HttpExchange {
  /** The framework's request object (what `getHttpRequest()` returns). */
  readonly request: unknown;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

interface FastifyLikeReply {
  raw: ServerResponse;
  hijack(): void;
}

export function toHttpExchange(request: unknown, reply: unknown): HttpExchange {
  const fastifyReply = reply as Partial<FastifyLikeReply>;
  if (fastifyReply.raw && typeof fastifyReply.hijack === 'function') {
    fastifyReply.hijack();
    return { request, req: (request as { raw: IncomingMessage }).raw, res: fastifyReply.raw };
  }
  return { request, req: request as IncomingMessage, res: reply as ServerResponse };
}

/** The parsed body left by the platform's body parser, or `undefined` when none ran. */
export function parsedBody(request: unknown): unknown {
  return (request as { body?: unknown }).body;
}


/** The body of an MCP POST: the one the MCP gate or the platform's parser left, else read here up to `limit`. */
export async function readMcpBody(exchange: HttpExchange, limit: number): Promise<BodyOutcome> {
  const body = parsedBody(exchange.request);
  return body === undefined ? readJsonBody(exchange.req, limit) : { ok: true, value: body };
}

/** Whether an Accept header admits `type` (an exact type, `type/*` or `*\/*`). */
export function accepts(accept: string | undefined, type: string): boolean {
  if (!accept) return false;
  const [major] = type.split('/');
  return accept.split(',').some((part) => {
    const value = part.split(';')[0].trim().toLowerCase();
    return value === type || value === '*/*' || value === `${major}/*`;
  });
}

export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const value = contentType.split(';')[0].trim().toLowerCase();
  return value === 'application/json' || (value.startsWith('application/') && value.endsWith('+json'));
}

/** Writes a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Writes a JSON-RPC error response: transport errors are JSON-RPC bodies, never HTML. */
export function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
  id: string | number | null = null,
): void {
  sendJson(res, status, { jsonrpc: '2.0', id, error: { code, message } }, headers);
}

/** Answers with no body (202 Accepted for notifications and responses, 200 for DELETE). */
export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, headers);
  res.end();
}
