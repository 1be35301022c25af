import { ArgumentsHost, Catch, HttpException, Logger, Optional, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { httpExceptionMessage } from '../operations/mcp-error-mapper.js';
import { McpMessages } from '../mcp.messages.js';
import { sendJsonRpcError } from '../http/mcp-rejection.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { McpAuthenticator } from '../auth/mcp-authenticator.js';

/**
 * Renders exceptions thrown on MCP routes (by guards, pipes, or the endpoint itself) as JSON-RPC error
 * bodies with the exception's HTTP status and headers it set, never as Nest's default or an HTML page.
 * A 401 from any guard (the app's own passport guard too) gets the server's RFC 9728 challenge.
 */
@Catch()
export class McpHttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('McpHttp');

  constructor(@Optional() private readonly auth?: McpAuthenticator) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ raw?: ServerResponse } & ServerResponse>();
    const res = reply.raw ?? reply;
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 401) this.auth?.challengeGuardRefusal(host.switchToHttp().getRequest(), res, httpExceptionMessage(exception));
      return sendJsonRpcError(res, status, McpErrorCode.ServerError, McpMessages.httpError(status, httpExceptionMessage(exception)));
    }
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    sendJsonRpcError(res, 500, McpErrorCode.InternalError, McpMessages.internalError());
  }
}
