import type { McpRegistry } from '../registry/mcp-registry.js';
import type { McpAccessRule } from '../registry/mcp-access.js';

/** Methods an anonymous caller (no token, on a server with `@McpPublic()` items) may always send. */
export const ANONYMOUS_METHODS = new Set(['initialize', 'ping', 'server/discover', 'subscriptions/listen', 'tools/list', 'resources/list', 'resources/templates/list', 'prompts/list', 'logging/setLevel']);

/** The tool, prompt or resource a message names, whose scopes and `@McpPublic()` decide who may send it. */
export function ruleOf(registry: McpRegistry, method: string, params: Record<string, unknown>): McpAccessRule | undefined {
  const name = typeof params.name === 'string' ? params.name : '';
  const uri = typeof params.uri === 'string' ? params.uri : '';
  switch (method) {
    case 'tools/call':
      return registry.getTool(name);
    case 'prompts/get':
      return registry.getPrompt(name);
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return registry.findResource(uri)?.entry;
    case 'completion/complete': {
      const ref = (params.ref ?? {}) as { type?: string; name?: unknown; uri?: unknown };
      if (ref.type === 'ref/prompt' && typeof ref.name === 'string') return registry.getPrompt(ref.name);
      if (typeof ref.uri === 'string') return registry.getResourceTemplate(ref.uri);
      return undefined;
    }
    default:
      return undefined;
  }
}
