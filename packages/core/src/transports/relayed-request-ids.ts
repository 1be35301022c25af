import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * The ids of one connection's server-to-client requests (elicitation, sampling, roots) when a session has
 * connections in several processes: each SDK Server numbers its requests from 0, so on the wire they get the
 * connection's tag (`<tag>~<n>`), and the client's answer, whichever process receives it, names the connection
 * that waits for it. The id is given back to the SDK as it made it.
 */
export class RelayedRequestIds {
  private readonly waiting = new Map<string, RequestId>();
  private readonly prefix: string;

  constructor(tag: string) {
    this.prefix = `${tag}~`;
  }

  /** An outgoing message with its request id tagged (requests) or its cancelled request's id tagged. */
  tag(message: JSONRPCMessage): JSONRPCMessage {
    if (!('method' in message)) return message;
    if ('id' in message && message.id !== undefined) {
      const wire = `${this.prefix}${message.id}`;
      this.waiting.set(wire, message.id);
      return { ...message, id: wire };
    }
    const cancelled = message.method === 'notifications/cancelled' ? (message.params as { requestId?: RequestId } | undefined)?.requestId : undefined;
    const wire = cancelled !== undefined ? `${this.prefix}${cancelled}` : undefined;
    if (wire === undefined || !this.waiting.has(wire)) return message;
    this.waiting.delete(wire);
    return { ...message, params: { ...message.params, requestId: wire } };
  }

  /**
   * An answer to one of this connection's requests, with the SDK's id back; undefined when it is another
   * connection's. `relayed`: it came from another process, so only a tagged id of ours is ours.
   */
  ours(message: JSONRPCMessage, relayed = false): JSONRPCMessage | undefined {
    const wire = 'id' in message ? message.id : undefined;
    if (typeof wire !== 'string' || !wire.startsWith(this.prefix)) {
      // Untagged: an answer to a request made before the link, which can only be this connection's.
      return relayed || (typeof wire === 'string' && wire.includes('~')) ? undefined : message;
    }
    const id = this.waiting.get(wire);
    if (id === undefined) return undefined;
    this.waiting.delete(wire);
    return { ...message, id } as JSONRPCMessage;
  }
}
