import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';

export type BodyOutcome = { ok: true; value: unknown; bytes?: number } | { ok: false; status: number; code: number; message: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Turns the bytes of a request body into a JSON value: strict UTF-8, JSON, no prototype-pollution keys. */
export function parseJsonBody(bytes: Buffer): BodyOutcome {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { ok: false, status: 400, code: McpErrorCode.ParseError, message: McpMessages.invalidUtf8() };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, code: McpErrorCode.ParseError, message: McpMessages.parseError() };
  }
  try {
    if (value !== null && typeof value === 'object') secureJson.scan(value, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return { ok: false, status: 400, code: McpErrorCode.InvalidRequest, message: McpMessages.forbiddenJsonKey() };
  }
  return { ok: true, value };
}

/** A body read in full, or why not (`size`: larger than the limit; `broken`: aborted, short, unreadable). */
type RawOutcome = Buffer | 'size' | 'broken';

type BodyDone = (outcome: BodyOutcome) => void;

function outcomeOf(raw: RawOutcome, limit: number): BodyOutcome {
  if (raw === 'size') return { ok: false, status: 413, code: McpErrorCode.InvalidRequest, message: McpMessages.bodyTooLarge(limit) };
  if (raw === 'broken') return { ok: false, status: 400, code: McpErrorCode.ParseError, message: McpMessages.parseError() };
  const parsed = parseJsonBody(raw);
  if (parsed.ok) (parsed as { bytes?: number }).bytes = raw.length;
  return parsed;
}

/** A body being read by `readKnownLength`, kept on its request. */
interface KnownLengthRead {
  readonly length: number;
  readonly limit: number;
  received: number;
  first?: Buffer;
  more?: Buffer[];
  /** Cleared once the read is over. */
  done?: BodyDone;
}

/**
 * Requests whose body is read (or being read) by us: `true`, or the state of a `readKnownLength` read. A
 * WeakMap, not a property of the request (see http/response-close.ts for what a property per request cost).
 */
const bodyReads = new WeakMap<IncomingMessage, KnownLengthRead | true>();

/** Marks a request whose body must not be read again (read by us, or by a parser before us). */
export function markBodyRead(req: IncomingMessage): void {
  bodyReads.set(req, true);
}

/** Whether `markBodyRead` or our reader has seen this request's body. */
export function isBodyRead(req: IncomingMessage): boolean {
  return bodyReads.has(req);
}

function knownLengthRead(req: IncomingMessage): KnownLengthRead | undefined {
  const read = bodyReads.get(req);
  return read === true ? undefined : read;
}

function finishKnownLength(req: IncomingMessage, read: KnownLengthRead, raw: RawOutcome): void {
  const done = read.done;
  if (!done) return;
  read.done = read.first = read.more = undefined;
  bodyReads.set(req, true);
  // As raw-body does on an error: the rest of the body is left alone.
  if (typeof raw === 'string') req.pause();
  done(outcomeOf(raw, read.limit));
}

// The listeners are the same functions for every request (`this` is the request): no closures per body.
function onKnownLengthData(this: IncomingMessage, chunk: Buffer): void {
  const read = knownLengthRead(this);
  if (!read) return;
  read.received += chunk.length;
  if (read.first === undefined) read.first = chunk;
  else (read.more ??= [read.first]).push(chunk);
}

function onKnownLengthEnd(this: IncomingMessage): void {
  const read = knownLengthRead(this);
  if (!read) return;
  const bytes = read.more ? Buffer.concat(read.more) : (read.first ?? Buffer.alloc(0));
  finishKnownLength(this, read, read.received === read.length ? bytes : 'broken');
}

function onKnownLengthClose(this: IncomingMessage): void {
  const read = knownLengthRead(this);
  if (read) finishKnownLength(this, read, 'broken');
}

/**
 * The usual MCP body: a Content-Length within the limit, read from the request itself. Three listeners, shared
 * by every request, and no promise (raw-body, used for every other case, adds more listeners, their removal, a
 * promise and a copy of the chunks). Node's parser never hands over more than the Content-Length; a request that
 * ends short or closes first (an aborted request emits `close`; its `error` is emitted only to listeners of its
 * own, so none is added) is `broken`, as raw-body's "request aborted" / "size did not match" are.
 */
function readKnownLength(req: IncomingMessage, length: number, limit: number, done: BodyDone): void {
  bodyReads.set(req, { length, limit, received: 0, first: undefined, more: undefined, done });
  req.on('data', onKnownLengthData);
  req.on('end', onKnownLengthEnd);
  req.on('close', onKnownLengthClose);
}

/**
 * Reads and parses a JSON request body from the stream, up to `limit` bytes (a larger Content-Length is
 * refused before anything is read), and calls `done` with the outcome (never with an exception): every failure
 * is an outcome with its HTTP status. `stream`: where the bytes come from when it is not `req` itself (a Fastify
 * preParsing payload); its length is then not checked against `req`'s Content-Length.
 */
export function readJsonBodyThen(req: IncomingMessage, limit: number, done: BodyDone, stream: Readable = req): void {
  const lengthHeader = stream === req && !req.headers['transfer-encoding'] ? req.headers['content-length'] : undefined;
  const length = lengthHeader !== undefined && /^\d{1,15}$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  if (length !== undefined && length > limit) return done(outcomeOf('size', limit));
  const state = req.readableFlowing === null && (req as { _readableState?: { encoding?: unknown } })._readableState;
  if (stream === req && length !== undefined && state && !state.encoding && req.readable) return readKnownLength(req, length, limit, done);
  getRawBody(stream, { limit, length: lengthHeader }, (error, bytes) => {
    if (!error) return done(outcomeOf(bytes, limit));
    done(outcomeOf((error as { type?: string }).type === 'entity.too.large' ? 'size' : 'broken', limit));
  });
}

/** `readJsonBodyThen` as a promise. */
export function readJsonBody(req: IncomingMessage, limit: number, stream: Readable = req): Promise<BodyOutcome> {
  return new Promise((resolve) => readJsonBodyThen(req, limit, resolve, stream));
}

/** Whether arrays and objects in `value` nest deeper than `maxDepth` (checked without recursion). */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
