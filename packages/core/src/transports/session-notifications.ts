import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpRegistry } from '../registry/mcp-registry.js';
import type { McpSessionState } from '../context/mcp-session-state.js';

/** What a session of either transport offers to registry notifications. */
interface NotifiedSession {
  readonly server: Server;
  readonly state: McpSessionState;
}

/**
 * Fans registry changes out to open sessions: `notifications/{tools,prompts,resources}/list_changed` to all of
 * them, `notifications/resources/updated` to those subscribed to the URI. Returns the function that stops it.
 * A session whose stream is gone just misses the notification.
 */
export function forwardRegistryNotifications(registry: McpRegistry, sessions: () => Iterable<NotifiedSession>): () => void {
  const stopLists = registry.onListChanged((kind) => {
    for (const { server } of sessions()) {
      const sent =
        kind === 'tools' ? server.sendToolListChanged() : kind === 'prompts' ? server.sendPromptListChanged() : server.sendResourceListChanged();
      void sent.catch(() => undefined);
    }
  });
  const stopUpdates = registry.onResourceUpdated((uri) => {
    for (const { server, state } of sessions()) {
      if (state.subscriptions.has(uri)) void server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
  });
  return () => {
    stopLists();
    stopUpdates();
  };
}
