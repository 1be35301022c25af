import { SetMetadata } from '@nestjs/common';
import { MCP_HANDLER_ENHANCER_METADATA } from '../mcp.constants.js';

/**
 * Marks a guard, interceptor, pipe or exception filter class whose GLOBAL instances (`APP_GUARD`, `APP_INTERCEPTOR`,
 * `APP_PIPE`, `APP_FILTER`, `app.useGlobal*()`) should also run on MCP handlers, in the `'mcp'` context.
 *
 * Global enhancers always run on the MCP HTTP route, as on any route. On the tools, resources and prompts that
 * route carries, they run only when they ask to, with this decorator (or the `inheritGlobalEnhancers` option):
 * an enhancer written for HTTP (a passport guard, a filter writing `res.status().json()`) does not understand
 * the `'mcp'` context. Guards, interceptors, pipes and filters bound with `@UseGuards()` (etc.) on a tool's class
 * or method always run there. See docs/enhancers.md.
 */
export const ApplyToMcpHandlers = (): ClassDecorator => SetMetadata(MCP_HANDLER_ENHANCER_METADATA, true);
