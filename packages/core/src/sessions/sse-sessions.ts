import { Injectable } from '@nestjs/common';
import { McpSessions, type McpSession } from './mcp-sessions.js';

/**
 * The legacy HTTP+SSE sessions of one server, as a view of the one session service (`McpSessions`), which holds,
 * limits, sweeps and drains the sessions of both transports alike.
 */
@Injectable()
export class SseSessions {
  constructor(private readonly all: McpSessions) {}

  get size(): number {
    return this.all.countOf('sse');
  }

  /** The open legacy SSE sessions, by id. */
  get sessions(): ReadonlyMap<string, McpSession> {
    return new Map([...this.all.list()].filter((session) => session.kind === 'sse').map((session) => [session.id, session]));
  }
}
