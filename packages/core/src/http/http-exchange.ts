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

/** Accept header values already read, by value: clients send the same one on every request (bounded, starts over when full). */
const acceptedTypes = new Map<string, ReadonlySet<string>>();
const MAX_ACCEPT_VALUES = 256;
const MAX_CACHED_ACCEPT_LENGTH = 256;

/** The media ranges of an Accept header, lower-cased, parameters dropped. */
function mediaRanges(accept: string): ReadonlySet<string> {
  let ranges = acceptedTypes.get(accept);
  if (ranges === undefined) {
    ranges = new Set(accept.split(',').map((part) => part.split(';')[0].trim().toLowerCase()));
    if (accept.length > MAX_CACHED_ACCEPT_LENGTH) return ranges;
    if (acceptedTypes.size >= MAX_ACCEPT_VALUES) acceptedTypes.clear();
    acceptedTypes.set(accept, ranges);
  }
  return ranges;
}

/** Whether an Accept header admits `type` (an exact type, `type/*` or `*\/*`). */
export function accepts(accept: string | undefined, type: string): boolean {
  if (!accept) return false;
  const ranges = mediaRanges(accept);
  return ranges.has(type) || ranges.has('*/*') || ranges.has(`${type.slice(0, type.indexOf('/'))}/*`);
}

export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  // The value nearly every client sends, without splitting and lower-casing it each time.
  if (contentType === 'application/json') return true;
  const value = contentType.split(';')[0].trim().toLowerCase();
  return value === 'application/json' || (value.startsWith('application/') && value.endsWith('+json'));
}

/** Whether nothing can be written to the response any more: already answered, ended, or the client is gone. */
export function isResponseClosed(res: ServerResponse): boolean {
  return res.writableEnded || res.destroyed || (res as { closed?: boolean }).closed === true;
}

/** Writes a JSON body. */
export function writeJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || isResponseClosed(res)) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Answers with no body (202 Accepted for notifications and responses, 200 for DELETE). */
export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || isResponseClosed(res)) return;
  res.writeHead(status, headers);
  res.end();
}
