import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ClientCapabilities, Implementation, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { McpDispatcher } from '../execution/mcp-dispatcher.js';
import { McpSessions } from '../sessions/mcp-sessions.js';
import { McpLifecycle, type McpAdmission } from '../lifecycle/mcp-lifecycle.js';
import { McpChannelTransport } from './channel.transport.js';

/** A channel that is not HTTP: the stdio transport, or the testing kit's in-memory channel. */
export type McpChannelKind = 'stdio' | 'in-memory';

/** What opening a channel's session needs: where messages to the client go, and whose session it is. */
export interface McpChannelSessionInit {
  readonly kind: McpChannelKind;
  readonly output: (message: JSONRPCMessage) => void;
  /** The principal of the channel's caller (in-memory: what the route's guards established), if any. */
  readonly owner?: string;
  readonly callerKey?: string;
}

/**
 * The 2025-11-25 sessions of channels that are not HTTP, through the same admission and session service as the
 * HTTP transports: `McpLifecycle.admitSession()`, a state from `McpSessions.newState()` that writes through to the
 * session store, an SDK `Server` from `McpDispatcher.createServer()`, the record opened with `McpSessions.open()`.
 * Opened when the channel connects (the channel is the session) and closed when it ends.
 */
@Injectable()
export class McpChannelSessions {
  constructor(
    private readonly dispatcher: McpDispatcher,
    private readonly sessions: McpSessions,
    private readonly lifecycle: McpLifecycle,
    private readonly options: McpResolvedOptions,
  ) {}

  /** Opens the session of a channel, or says why not (`full`, `capped`, `draining`). */
  async open(init: McpChannelSessionInit): Promise<McpChannelTransport | Exclude<McpAdmission, 'open'>> {
    const admission = this.lifecycle.admitSession(init.callerKey);
    if (admission !== 'open') return admission;
    const id = randomUUID();
    const transport = new McpChannelTransport(
      id,
      init.output,
      this.options.limits.requestTimeoutMs,
      ({ params, protocolVersion }) =>
        this.sessions.initialized(id, {
          protocolVersion,
          clientInfo: params.clientInfo as Implementation | undefined,
          clientCapabilities: params.capabilities as ClientCapabilities | undefined,
        }),
      () => this.sessions.forget(id),
    );
    const { server, state } = this.dispatcher.createServer(this.sessions.newState(id), transport);
    await server.connect(transport);
    await this.sessions.open({ id, kind: init.kind, transport, server, state, owner: init.owner, callerKey: init.callerKey });
    return transport;
  }

  /** Ends a channel's session: aborts its in-flight requests and forgets it. */
  async close(transport: McpChannelTransport): Promise<void> {
    if (!(await this.sessions.close(transport.sessionId))) await transport.close();
  }
}
