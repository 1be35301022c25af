import { Injectable } from '@nestjs/common';
import { McpContext, McpTool } from '@nestmcp/core';
import { setTimeout as sleep } from 'node:timers/promises';

/** Tools that send log messages and progress notifications while they run. */
@Injectable()
export class NotificationTools {
  @McpTool({ name: 'test_tool_with_logging', description: 'Tests tool that emits log messages during execution' })
  async withLogging(_args: unknown, ctx: McpContext) {
    await ctx.log.info('Tool execution started');
    await sleep(50);
    await ctx.log.info('Tool processing data');
    await sleep(50);
    await ctx.log.info('Tool execution completed');
    return 'Tool with logging executed successfully';
  }

  @McpTool({ name: 'test_tool_with_progress', description: 'Tests tool that reports progress notifications' })
  async withProgress(_args: unknown, ctx: McpContext) {
    for (const step of [0, 50, 100]) {
      await ctx.reportProgress(step, 100, `Completed step ${step} of 100`);
      if (step < 100) await sleep(50);
    }
    return String(ctx.meta?.progressToken ?? 'no progress token');
  }
}
