import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { McpSessionStateChange } from '../context/mcp-session-state.js';
import type { McpBusMessage, McpBusSubscription, McpMessageBus } from '../stores/mcp-message-bus.js';
import type { McpStoreKeys } from '../stores/mcp-store-keys.js';

const logger = new Logger('McpSessionRelay');

/**
 * What one connection of a session (in this process) says to the connections of the same session in other
 * processes, over the session's bus channel. `tag` is unique to the connection; a message carries it as `from`.
 */
export interface McpTransportRelay {
  readonly tag: string;
  /** Publishes a message for the other connections of the session (never delivered back to this one). */
  send(message: McpBusMessage): void;
}

/** What the session service does with the messages of its own kinds; the others go to the transport. */
export interface McpRelayHandler {
  /** Another process changed the session's log level or subscriptions. */
  state(change: McpSessionStateChange): void;
  /** The session ended on another process (DELETE there): end it here too. */
  closed(): void;
  /** Any other message: for the transport (a client's answer, a message for the standalone stream, ...). */
  transport(message: McpBusMessage): void;
}

/** One connection's link to its session channel. */
export interface McpSessionLink {
  readonly relay: McpTransportRelay;
  stop(): Promise<void>;
}

/**
 * The per-session channel of a shared bus (`McpStoreKeys.sessionChannel()`): every process that holds a connection
 * of a session subscribes to it, so that the session's state, its end, the client's answers to server-to-client
 * requests and messages for its standalone stream reach the process that needs them, wherever the HTTP request
 * carrying them landed. Used only with a bus shared between processes (not the in-memory default).
 */
export class McpSessionRelay {
  constructor(
    private readonly bus: McpMessageBus,
    private readonly keys: McpStoreKeys,
  ) {}

  /** Subscribes a connection of session `id`; rejects when the bus cannot be reached. */
  async link(id: string, handler: McpRelayHandler): Promise<McpSessionLink> {
    const tag = randomBytes(6).toString('base64url');
    const channel = this.keys.sessionChannel(id);
    const subscription: McpBusSubscription = await this.bus.subscribe(channel, (message) => {
      if (message.from === tag) return;
      if (message.type === 'state') handler.state(message.change as McpSessionStateChange);
      else if (message.type === 'closed') handler.closed();
      else handler.transport(message);
    });
    const relay: McpTransportRelay = {
      tag,
      send: (message) => {
        this.bus.publish(channel, { ...message, from: tag }).catch((error: unknown) => logger.warn(`session channel: ${String(error)}`));
      },
    };
    return { relay, stop: () => subscription.unsubscribe().catch(() => undefined) };
  }
}
