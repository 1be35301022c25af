import { Injectable } from '@nestjs/common';
import { McpContext, McpTool } from '@nestmcp/core';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A long-running tool that switches its client to polling (SEP-1699): it closes the SSE stream of its own
 * request, then answers; the client reconnects with Last-Event-ID and receives the answer from the event store.
 */
@Injectable()
export class ReconnectionTools {
  @McpTool({
    name: 'test_reconnection',
    description:
      'Tests SSE stream disconnection and client reconnection (SEP-1699). The server closes the stream mid-call and sends the result after the client reconnects.',
  })
  async reconnection(_args: unknown, ctx: McpContext) {
    ctx.closeSSEStream();
    await sleep(100);
    return 'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.';
  }
}
