import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpTransportRelay } from '../sessions/mcp-session-relay.js';
import type { McpBusMessage } from '../stores/mcp-message-bus.js';
import { isJsonRpcResponse } from './json-rpc-message.js';
import { RelayedRequestIds } from './relayed-request-ids.js';

/** What a relay link does on its transport when another connection of the session speaks. */
export interface RelayLinkHooks {
  /** A client's answer to one of this connection's server-to-client requests: for its protocol. */
  toProtocol(message: JSONRPCMessage): void;
  /** A message for the session's standalone stream, if this connection holds it. */
  toStandalone(message: JSONRPCMessage): void;
  /** The client opened its standalone stream on another connection: that one holds it now. */
  standaloneMoved(): void;
}

/**
 * A Streamable HTTP connection's link to the session's connections in other processes (shared bus): its
 * server-to-client requests get ids that name it (`RelayedRequestIds`), so the client's answer finds it whichever
 * process receives it; messages for the standalone stream go to the connection that holds it.
 */
export class TransportRelayLink {
  private readonly ids: RelayedRequestIds;

  constructor(
    private readonly relay: McpTransportRelay,
    private readonly hooks: RelayLinkHooks,
  ) {
    this.ids = new RelayedRequestIds(relay.tag);
  }

  /** A message of this connection's protocol on its way to the client, its request ids tagged. */
  outgoing(message: JSONRPCMessage): JSONRPCMessage {
    return this.ids.tag(message);
  }

  /**
   * A client's message received by this connection: the message for its protocol, or undefined when it is an
   * answer to another connection's request (then it goes there).
   */
  incoming(message: JSONRPCMessage): JSONRPCMessage | undefined {
    if (!isJsonRpcResponse(message)) return message;
    const answer = this.ids.ours(message);
    if (!answer) this.relay.send({ type: 'client-message', message });
    return answer;
  }

  /** A message for the standalone stream, held by another process's connection of the session. */
  toClient(message: JSONRPCMessage): void {
    this.relay.send({ type: 'to-client', message });
  }

  /** This connection opened the session's standalone stream: the others let theirs go. */
  holdStandalone(): void {
    this.relay.send({ type: 'standalone' });
  }

  /** A message from another connection of the session. */
  received(message: McpBusMessage): void {
    if (message.type === 'client-message') {
      const answer = this.ids.ours(message.message as JSONRPCMessage, true);
      if (answer) this.hooks.toProtocol(answer);
    } else if (message.type === 'to-client') {
      this.hooks.toStandalone(message.message as JSONRPCMessage);
    } else if (message.type === 'standalone') {
      this.hooks.standaloneMoved();
    }
  }
}
