import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { McpExecutionContext } from '@nestmcp/core';

/**
 * Denies the tools that change notes when the service runs read-only (NOTES_READ_ONLY=true). On MCP
 * handlers the execution context has type 'mcp'; McpExecutionContext gives the tool name and the request.
 */
@Injectable()
export class ReadOnlyGuard implements CanActivate {
  private readonly readOnly = process.env.NOTES_READ_ONLY === 'true';

  canActivate(context: ExecutionContext): boolean {
    if (!this.readOnly || !McpExecutionContext.isMcp(context)) return true;
    const { toolName } = McpExecutionContext.create(context);
    throw new ForbiddenException(`The notes service is read-only; "${toolName}" is disabled.`);
  }
}
