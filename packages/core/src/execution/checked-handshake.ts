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

/** Parses an initialize request with the SDK's schema and, when it passes, lets the server's handler reuse the result. */
export function checkInitialize(message: object): ReturnType<typeof InitializeRequestSchema.safeParse> {
  const parsed = InitializeRequestSchema.safeParse(message);
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
