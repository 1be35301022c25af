import { type CanActivate, type ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import { routeTargetOf } from './route-target.js';

/**
 * A global guard that lets a route tool's in-process request reach only the route it was made for: any other
 * handler Nest routes it to is refused before its own guards, interceptors, pipes and the handler run, and the tool
 * call fails (docs/rest-as-tools.md, "Only the tool's route"). Every other request, and every non-HTTP context,
 * passes untouched: one WeakMap lookup. Added to the app's global guards only when a server makes tools of routes
 * (McpRouteToolsExplorer.installRouteTargetGuard), so an app without route tools pays no guard step for it.
 */
@Injectable()
export class McpRouteTargetGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<{ socket?: object; raw?: { socket?: object } }>();
    const target = routeTargetOf(request.raw?.socket ?? request.socket);
    if (!target) return true;
    if (context.getClass() === target.controller && context.getHandler() === target.handler) {
      if (target.verdict === undefined) target.verdict = 'target';
      return true;
    }
    target.verdict = 'other';
    throw new NotFoundException();
  }
}
