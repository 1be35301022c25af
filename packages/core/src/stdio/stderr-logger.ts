import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's `ConsoleLogger`, every level written to stderr: on the stdio transport stdout carries JSON-RPC only, and
 * one log line there would break the client's framing. Same format, colours and options as Nest's own logger.
 */
export class McpStderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, any>,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}
