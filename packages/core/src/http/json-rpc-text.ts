import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

const serialized = new WeakMap<object, Buffer>();

/**
 * Marks a result that is served unchanged to many requests (the registry's cached tools/list, resources/list,
 * prompts/list results): it is serialized once, to UTF-8 bytes, and every response that carries it reuses
 * them (no JSON.stringify, no re-encoding or copying of a 200 KB list per request).
 * The result must not be mutated afterwards (the registry builds a new one when its lists change).
 */
export function serializeOnce<T extends object>(result: T): T {
  if (!serialized.has(result)) serialized.set(result, Buffer.from(JSON.stringify(result)));
  return result;
}

/**
 * The JSON of a JSON-RPC message, between `prefix` and `suffix`, as chunks to write in order: one string,
 * or, when it carries a result marked with `serializeOnce`, a short head, the cached bytes and a short tail.
 */
export function jsonRpcChunks(message: JSONRPCMessage, prefix = '', suffix = ''): (string | Buffer)[] {
  const result = (message as { result?: unknown }).result;
  if (typeof result === 'object' && result !== null) {
    const bytes = serialized.get(result);
    if (bytes !== undefined) {
      const id = JSON.stringify((message as { id: string | number }).id);
      return [`${prefix}{"jsonrpc":"2.0","id":${id},"result":`, bytes, `}${suffix}`];
    }
  }
  return [prefix + JSON.stringify(message) + suffix];
}

/** Total UTF-8 length of chunks. */
export function byteLength(chunks: (string | Buffer)[]): number {
  let length = 0;
  for (const chunk of chunks) length += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  return length;
}
