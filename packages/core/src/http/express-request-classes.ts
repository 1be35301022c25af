import { IncomingMessage, ServerResponse } from 'node:http';

/*
 * Express (5, `app.handle`) gives every request and response its own prototypes with `Object.setPrototypeOf(req,
 * app.request)` and `Object.setPrototypeOf(res, app.response)`. On Node 20 and 22 (V8 up to 12.x) that is the most
 * expensive thing Express does: each object changes hidden class once per request, and the objects it leaves
 * survive V8's young generation, so scavenges copy them and pause for milliseconds. A bare Express app answering
 * JSON costs ~200 µs of CPU per request on Node 20 that way and ~85 µs without it (Node 24: ~95 µs either way).
 *
 * Node builds a server's requests and responses with the classes of its `IncomingMessage` / `ServerResponse`
 * options. Here those classes are made with Express's own prototypes, so Express's `setPrototypeOf` finds the
 * prototype already in place and changes nothing: the objects are born with the shape they would have had, and
 * every property, getter and method of Express's `req` and `res` is where Express puts it.
 *
 * - The classes' prototypes are Express's `app.request` / `app.response` themselves (not copies, which would leave
 *   behind what the app adds to them later and sub-apps mounted before, whose prototypes inherit from them).
 *   `req.constructor` stays Node's `IncomingMessage` (`ServerResponse`).
 * - A server that already has request or response classes of its own, or no such slots (not a Node HTTP server),
 *   is left as it is; so is an Express app whose prototypes are not Express's usual chain.
 * - Node keeps the classes under the symbols `IncomingMessage` and `ServerResponse` on the server (the options of
 *   `http.createServer()`, read per request); Nest creates the server before any module is configured, so they are
 *   set there, on the server Nest listens with. Where Node's layout differs, nothing is changed.
 * - The classes are the server's: requests Express never handles (upgrade and CONNECT requests, requests another
 *   `request` listener answers first) are born with Express's prototypes too (docs/production.md says what differs).
 */

interface ExpressAppLike {
  request?: object;
  response?: object;
}

type Slot = { symbol: symbol; current: unknown };

const prepared = new WeakSet<object>();

function slotOf(server: object, name: string): Slot | undefined {
  const symbol = Object.getOwnPropertySymbols(server).find((candidate) => candidate.description === name);
  return symbol === undefined ? undefined : { symbol, current: (server as Record<symbol, unknown>)[symbol] };
}

/**
 * A constructor for `Base`'s objects whose prototype is `appProto` itself (Express's `app.request` or
 * `app.response`), not a copy: what is added to `app.request` later, and sub-apps mounted before (whose own
 * `request` inherits from it), stay as they are with Express. `req.constructor` is still `Base` (inherited).
 *
 * How it is built matters to V8 (bare Express JSON route, CPU per request on Node 20 / 24,
 * bench/profile-hot/bare-express.mjs, table in bench/NOTES-hot-path.md "Round four"): a plain function that calls
 * `Base` on `this`, whose own prototype is `Base` (as a subclass constructor's is), 85 / 95 µs; the same without
 * `Object.setPrototypeOf(Born, Base)`, 106 / 114 µs; `Reflect.construct(Base, args, new.target)`, 279 / 94 µs
 * (slower than Express's own `setPrototypeOf` on Node 20: 202 / 98 µs). A class cannot be used: its `prototype`
 * cannot be set to an existing object.
 * Node's `IncomingMessage` and `ServerResponse` are plain functions that can be called on `this`; where they are
 * classes (`isCallable` below), nothing is changed.
 */
function constructorWithPrototype<T extends abstract new (...args: never[]) => object>(Base: T, appProto: object): T {
  const construct = Base as unknown as (this: unknown, ...args: unknown[]) => void;
  // V8 names an object after the function `new` was called with (stack frames `at ServerResponse.json`, heap
  // snapshots' classes), not after `constructor`: each is named after its Base, as Node's own objects are.
  const Born = (
    (Base as unknown) === IncomingMessage
      ? function IncomingMessage(this: unknown, ...args: unknown[]) {
          construct.apply(this, args);
        }
      : function ServerResponse(this: unknown, ...args: unknown[]) {
          construct.apply(this, args);
        }
  ) as unknown as T;
  Object.setPrototypeOf(Born, Base);
  (Born as unknown as { prototype: object }).prototype = appProto;
  return Born;
}

/** Whether `fn` can be called on an object of ours (a plain function, not a class). */
function isCallable(fn: unknown): boolean {
  return typeof fn === 'function' && !/^class\b/.test(Function.prototype.toString.call(fn));
}

function chainsTo(proto: object | undefined, target: object): proto is object {
  for (let current = proto; current; current = Object.getPrototypeOf(current) as object | undefined) {
    if (current === target) return true;
  }
  return false;
}

/**
 * Gives `server` request and response classes built on `app`'s Express prototypes (see above). Idempotent per
 * server. Returns whether the server now has them.
 */
export function useExpressRequestClasses(server: unknown, app: unknown): boolean {
  if (typeof server !== 'object' || server === null || typeof app !== 'function' && typeof app !== 'object') return false;
  if (prepared.has(server)) return true;
  const express = app as ExpressAppLike;
  const requestSlot = slotOf(server, 'IncomingMessage');
  const responseSlot = slotOf(server, 'ServerResponse');
  if (!requestSlot || !responseSlot) return false;
  if (requestSlot.current !== IncomingMessage || responseSlot.current !== ServerResponse) return false;
  if (!chainsTo(express.request, IncomingMessage.prototype) || !chainsTo(express.response, ServerResponse.prototype)) return false;
  if (express.request === IncomingMessage.prototype || express.response === ServerResponse.prototype) return false;
  if (!isCallable(IncomingMessage) || !isCallable(ServerResponse)) return false;

  const Request = constructorWithPrototype(IncomingMessage, express.request);
  const Response = constructorWithPrototype(ServerResponse, express.response);
  (server as Record<symbol, unknown>)[requestSlot.symbol] = Request;
  (server as Record<symbol, unknown>)[responseSlot.symbol] = Response;
  prepared.add(server);
  return true;
}
