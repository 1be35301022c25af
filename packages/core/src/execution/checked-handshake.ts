import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { InitializedNotificationSchema, InitializeRequestSchema, type InitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';

type ParsedInitialize = z.output<typeof InitializeRequestSchema>;

/**
 * initialize requests the endpoint has already parsed with the SDK's schema (to record the session before the
 * answer leaves), with what the parse gave: the SDK's handler takes that instead of parsing the request again.
 * Keyed by the message object, so an entry goes with its request.
 */
const checkedInitialize = new WeakMap<object, ParsedInitialize>();

type InitializeParse = { success: true; data: ParsedInitialize } | { success: false; error: z.ZodError };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether every key of `value` is one of `keys` and holds a value of that key's type. */
function onlyKeysOf(value: Record<string, unknown>, keys: Readonly<Record<string, 'string' | 'boolean'>>): boolean {
  for (const key in value) {
    const kind = Object.hasOwn(keys, key) ? keys[key] : undefined;
    if (kind === undefined || typeof value[key] !== kind) return false;
  }
  return true;
}

const CLIENT_INFO_KEYS = { name: 'string', title: 'string', version: 'string', websiteUrl: 'string', description: 'string' } as const;
const ROOTS_KEYS = { listChanged: 'boolean' } as const;

/** Copies the keys of `from` that `order` names, in that order (how zod writes an object it parsed). */
function inOrder(from: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) if (key in from) out[key] = from[key];
  return out;
}

/**
 * What `InitializeRequestSchema.parse` gives for the initialize most clients send, without zod: params with only
 * protocolVersion, capabilities (nothing, `roots` with an optional boolean `listChanged`, an empty `sampling`)
 * and clientInfo (string name, version, title, websiteUrl, description), no `_meta`. The result is what zod
 * writes for it (new objects, keys in the schema's order, `jsonrpc` and `id` dropped); `undefined` for anything
 * else, which zod parses. checked-handshake.spec.ts compares the two on every shape this takes and on its edges.
 */
export function commonInitialize(message: Record<string, unknown>): ParsedInitialize | undefined {
  const params = message.params;
  if (message.method !== 'initialize' || !isPlainObject(params)) return undefined;
  const { protocolVersion, capabilities, clientInfo } = params;
  if (typeof protocolVersion !== 'string' || !isPlainObject(capabilities) || !isPlainObject(clientInfo)) return undefined;
  for (const key in params) if (key !== 'protocolVersion' && key !== 'capabilities' && key !== 'clientInfo') return undefined;
  if (typeof clientInfo.name !== 'string' || typeof clientInfo.version !== 'string' || !onlyKeysOf(clientInfo, CLIENT_INFO_KEYS)) return undefined;
  // roots may say listChanged, sampling nothing; anything else (sampling's context or tools, elicitation, tasks...) goes to zod.
  const { roots, sampling } = capabilities;
  for (const key in capabilities) if (key !== 'roots' && key !== 'sampling') return undefined;
  if (sampling !== undefined && !(isPlainObject(sampling) && onlyKeysOf(sampling, {}))) return undefined;
  if (roots !== undefined && !(isPlainObject(roots) && onlyKeysOf(roots, ROOTS_KEYS))) return undefined;
  const parsedCapabilities: Record<string, unknown> = {};
  if ('sampling' in capabilities) parsedCapabilities.sampling = {};
  if ('roots' in capabilities) parsedCapabilities.roots = { ...(roots as object) };
  return {
    method: 'initialize',
    params: { protocolVersion, capabilities: parsedCapabilities, clientInfo: inOrder(clientInfo, ['name', 'title', 'version', 'websiteUrl', 'description']) },
  } as ParsedInitialize;
}

/**
 * Parses an initialize request as the SDK's schema does (the common shape without zod, see `commonInitialize`)
 * and, when it passes, lets the server's handler reuse the result.
 */
export function checkInitialize(message: object): InitializeParse {
  const common = commonInitialize(message as Record<string, unknown>);
  const parsed: InitializeParse = common ? { success: true, data: common } : InitializeRequestSchema.safeParse(message);
  if (parsed.success) checkedInitialize.set(message, parsed.data);
  return parsed;
}

/** The parts of the SDK's `Server` (1.x) its handshake handlers use; checked before they are relied on. */
interface HandshakeInternals {
  _requestHandlers?: Map<string, (request: unknown, extra: unknown) => Promise<unknown>>;
  _notificationHandlers?: Map<string, (notification: unknown) => Promise<void>>;
  _oninitialize?: (request: InitializeRequest) => Promise<unknown>;
  oninitialized?: () => void;
}

/** As the SDK's `parseWithCompat`: the parsed value, or the ZodError thrown (its handlers map it to the same answer). */
function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}

/**
 * Replaces the handshake handlers the SDK's `Server` constructor installs with ones that do not parse again what
 * is known to pass: initialize takes the endpoint's parse (`checkInitialize`), and notifications/initialized,
 * whose handler ignores the notification, is parsed only when its params carry `_meta` (the one part of a checked
 * notification its schema can refuse; `checkJsonRpcBody` saw that params is an object). Anything else is parsed
 * exactly as the SDK does. Each handler is replaced only when the SDK installed one (another SDK version keeps its own).
 */
export function useCheckedHandshake(server: Server): void {
  const internals = server as unknown as HandshakeInternals;
  const requests = internals._requestHandlers;
  const notifications = internals._notificationHandlers;
  const oninitialize = internals._oninitialize;
  if (requests instanceof Map && requests.has('initialize') && typeof oninitialize === 'function') {
    requests.set('initialize', (request) =>
      Promise.resolve(oninitialize.call(server, (checkedInitialize.get(request as object) ?? parseOrThrow(InitializeRequestSchema, request)) as InitializeRequest)),
    );
  }
  if (notifications instanceof Map && notifications.has('notifications/initialized')) {
    notifications.set('notifications/initialized', (notification) => {
      const params = (notification as { params?: unknown }).params;
      const plain = params === undefined || (typeof params === 'object' && params !== null && (params as { _meta?: unknown })._meta === undefined);
      if (!plain) parseOrThrow(InitializedNotificationSchema, notification);
      return Promise.resolve(internals.oninitialized?.());
    });
  }
}
