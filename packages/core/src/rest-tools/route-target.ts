/**
 * Which route an in-process request is for, by the server end of its connection: McpRouteTargetGuard (a global
 * guard) lets the request through only to that route's handler and says here where Nest routed it. A tool caller's
 * arguments or headers (a path argument equal to another route's static segment, a Host that a host-bound
 * controller matches, a method-override middleware) may make Nest route the request to another handler; that one
 * was not opted in and must never run (docs/rest-as-tools.md, "Only the tool's route").
 */
export interface RouteTarget {
  readonly controller: object;
  readonly handler: object;
  /** Set by the guard: `target` when Nest routed the request to the route, `other` when to another handler. */
  verdict?: 'target' | 'other';
}

const targets = new WeakMap<object, RouteTarget>();

/** Marks the server end of an in-process connection as carrying a request for `target`. */
export function expectRoute(socket: object, target: RouteTarget): void {
  targets.set(socket, target);
}

/** The route the request on this connection is for, if it is an in-process request of a route tool. */
export function routeTargetOf(socket: object | undefined): RouteTarget | undefined {
  return socket ? targets.get(socket) : undefined;
}
