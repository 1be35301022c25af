import { McpMessages } from '../mcp.messages.js';
import type { McpRegistry } from '../registry/mcp-registry.js';
import type { McpListKind } from '../registry/mcp-registry.types.js';
import type { ModernMessage } from './protocol-era.js';
import type { ModernResponse } from './modern-response.js';

const SUBSCRIPTION_ID_META_KEY = 'io.modelcontextprotocol/subscriptionId';
const KEEP_ALIVE_MS = 15_000;

interface ListenFilter {
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

function parseFilter(params: Record<string, unknown> | undefined): ListenFilter | undefined {
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

/** What the server will deliver of what the client asked: only what it asked for, and only what is declared. */
function honored(requested: ListenFilter, capabilities: Capabilities): ListenFilter {
  const result: ListenFilter = {};
  if (requested.toolsListChanged === true && capabilities.tools?.listChanged) result.toolsListChanged = true;
  if (requested.promptsListChanged === true && capabilities.prompts?.listChanged) result.promptsListChanged = true;
  if (requested.resourcesListChanged === true && capabilities.resources?.listChanged) result.resourcesListChanged = true;
  if (requested.resourceSubscriptions?.length && capabilities.resources?.subscribe) result.resourceSubscriptions = [...requested.resourceSubscriptions];
  return result;
}

const LIST_FLAGS: Record<McpListKind, keyof ListenFilter> = {
  tools: 'toolsListChanged',
  prompts: 'promptsListChanged',
  resources: 'resourcesListChanged',
};

/**
 * `subscriptions/listen` (2026-07-28): an SSE stream that starts with `notifications/subscriptions/acknowledged`
 * (what will be delivered), then carries only the notifications asked for: list changes and updates of the
 * listed resources, fed by the registry's runtime registration and `notifyResourceUpdated()` — the same
 * events the 2025 sessions get. The stream lasts until the client closes it.
 */
export function serveSubscriptionsListen(
  message: ModernMessage,
  response: ModernResponse,
  registry: McpRegistry,
  capabilities: Capabilities,
  serverInfo: unknown,
): void {
  const id = message.id!;
  const requested = parseFilter(message.params);
  if (!requested) {
    response.finish({ jsonrpc: '2.0', id, error: { code: -32602, message: McpMessages.invalidListenFilter() } });
    return;
  }
  const filter = honored(requested, capabilities);
  const stamp = (method: string, params: Record<string, unknown> = {}) => ({
    jsonrpc: '2.0',
    method,
    params: { ...params, _meta: { ...(params._meta as object | undefined), [SUBSCRIPTION_ID_META_KEY]: id } },
  });
  response.openStream(KEEP_ALIVE_MS);
  response.write(stamp('notifications/subscriptions/acknowledged', { notifications: filter }));
  if (Object.keys(filter).length === 0) {
    response.finish({ jsonrpc: '2.0', id, result: { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META_KEY]: id, 'io.modelcontextprotocol/serverInfo': serverInfo } } });
    return;
  }
  const offList = registry.onListChanged((kind) => {
    if (filter[LIST_FLAGS[kind]]) response.write(stamp(`notifications/${kind}/list_changed`));
  });
  const watched = new Set(filter.resourceSubscriptions ?? []);
  const offResource = registry.onResourceUpdated((uri) => {
    if (watched.has(uri)) response.write(stamp('notifications/resources/updated', { uri }));
  });
  response.onAbandoned(() => {
    offList();
    offResource();
  });
}
