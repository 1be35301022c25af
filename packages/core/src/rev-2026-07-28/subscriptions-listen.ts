import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import type { McpResponseWriter } from '../http/mcp-response-writer.js';
import type { McpListKind } from '../registry/mcp-registry.types.js';
import type { McpNotificationTarget } from '../sessions/mcp-notifications.js';
import type { Rev2026Message } from './rev-2026-message.js';

const SUBSCRIPTION_ID_META_KEY = 'io.modelcontextprotocol/subscriptionId';

export interface ListenFilter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
}

interface Capabilities {
  tools?: { listChanged?: boolean };
  prompts?: { listChanged?: boolean };
  resources?: { listChanged?: boolean; subscribe?: boolean };
}

/** The `notifications` filter of a listen request, or `undefined` when it is not a valid SubscriptionFilter. */
export function parseListenFilter(params: Record<string, unknown> | undefined): ListenFilter | undefined {
  const filter = params?.notifications;
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return undefined;
  const { toolsListChanged, promptsListChanged, resourcesListChanged, resourceSubscriptions } = filter as Record<string, unknown>;
  const flags = [toolsListChanged, promptsListChanged, resourcesListChanged];
  if (flags.some((flag) => flag !== undefined && typeof flag !== 'boolean')) return undefined;
  if (resourceSubscriptions !== undefined && !(Array.isArray(resourceSubscriptions) && resourceSubscriptions.every((uri) => typeof uri === 'string'))) {
    return undefined;
  }
  return filter as ListenFilter;
}

/**
 * What the server will deliver of what the client asked: only what it asked for, only what is declared, and only
 * resources that exist (`known`); the access rules were applied before (see `Rev2026Endpoint`).
 */
function honored(requested: ListenFilter, capabilities: Capabilities, known: (uri: string) => boolean): ListenFilter {
  const result: ListenFilter = {};
  if (requested.toolsListChanged === true && capabilities.tools?.listChanged) result.toolsListChanged = true;
  if (requested.promptsListChanged === true && capabilities.prompts?.listChanged) result.promptsListChanged = true;
  if (requested.resourcesListChanged === true && capabilities.resources?.listChanged) result.resourcesListChanged = true;
  const uris = requested.resourceSubscriptions?.filter(known);
  if (uris?.length && capabilities.resources?.subscribe) result.resourceSubscriptions = [...new Set(uris)];
  return result;
}

const LIST_FLAGS: Record<McpListKind, keyof ListenFilter> = {
  tools: 'toolsListChanged',
  prompts: 'promptsListChanged',
  resources: 'resourcesListChanged',
};

export interface ListenContext {
  readonly capabilities: Capabilities;
  readonly serverInfo: unknown;
  /** Whether a resource or template serves the URI. */
  known(uri: string): boolean;
  /** Registers the stream for registry notifications; returns the function that unregisters it. */
  listen(target: McpNotificationTarget): () => void;
  /** Holds the stream in the lifecycle (drain ends it), counted for `callerKey`; returns the function that lets it go. */
  hold(stream: { end(): void }, callerKey: string | undefined): () => void;
  readonly keepAliveMs: number;
}

/**
 * `subscriptions/listen` (2026-07-28): an SSE stream that starts with `notifications/subscriptions/acknowledged`
 * (what will be delivered), then carries only the notifications asked for: list changes and updates of the
 * listed resources, fed by the same registry broadcasts as the 2025 sessions. The stream lasts until the client
 * closes it or the server drains; whichever way it ends, its registration and keep-alive go with it.
 */
export function serveSubscriptionsListen(
  message: Rev2026Message,
  filter: ListenFilter,
  response: McpResponseWriter,
  context: ListenContext,
  callerKey: string | undefined,
): void {
  const id = message.id!;
  const honoredFilter = honored(filter, context.capabilities, (uri) => context.known(uri));
  const stamp = (method: string, params: Record<string, unknown> = {}): JSONRPCMessage => ({
    jsonrpc: '2.0',
    method,
    params: { ...params, _meta: { ...(params._meta as object | undefined), [SUBSCRIPTION_ID_META_KEY]: id } },
  });
  if (!response.isOpen) return;
  response.openNow(context.keepAliveMs, '');
  response.write(stamp('notifications/subscriptions/acknowledged', { notifications: honoredFilter }));
  if (Object.keys(honoredFilter).length === 0) {
    const result = { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META_KEY]: id, 'io.modelcontextprotocol/serverInfo': context.serverInfo } };
    response.finish({ jsonrpc: '2.0', id, result } as JSONRPCMessage);
    return;
  }
  const watched = new Set(honoredFilter.resourceSubscriptions ?? []);
  const stopListening = context.listen({
    listChanged: (kind) => {
      if (honoredFilter[LIST_FLAGS[kind]]) response.write(stamp(`notifications/${kind}/list_changed`));
    },
    resourceUpdated: (uri) => {
      if (watched.has(uri)) response.write(stamp('notifications/resources/updated', { uri }));
    },
  });
  const release = context.hold(response, callerKey);
  void response.done.then(() => {
    stopListening();
    release();
  });
}

/** The JSON-RPC error of a listen request whose filter is not valid. */
export function invalidListenFilter(id: string | number): JSONRPCMessage {
  return { jsonrpc: '2.0', id, error: { code: McpErrorCode.InvalidParams, message: McpMessages.invalidListenFilter() } };
}
