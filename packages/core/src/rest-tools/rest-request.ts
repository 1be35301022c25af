import { McpMessages } from '../mcp.messages.js';
import type { RestArgumentPlan } from './rest-tool-input.js';

/** A REST request built from a tool's arguments: what to send, before headers the caller forwards. */
export interface RestRequest {
  readonly method: string;
  /** The operation as error texts name it: method and path template, e.g. `GET /pets/{petId}` (never a URL). */
  readonly route: string;
  /** Path and query string, e.g. `/api/notes/7?full=true`. */
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** An argument the caller gave: an own property (`args.constructor` is Object.prototype's when none was given). */
function own(args: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(args, name) ? args[name] : undefined;
}

/** A tool's arguments that cannot make a request; its message is the tool error's text. */
export class RestArgumentError extends Error {}

function scalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * One path segment. Every character but the unreserved ones is percent-encoded (so `/`, `?`, `#`, `%` and `\` stay
 * inside the segment), and the values `.`, `..` and `` are refused: a URL parser would resolve them away and the
 * request would reach another route than the tool's.
 */
function pathSegment(name: string, value: unknown): string {
  if (!scalar(value)) throw new RestArgumentError(McpMessages.restPathParameterInvalid(name));
  const text = String(value);
  if (text === '' || text === '.' || text === '..') throw new RestArgumentError(McpMessages.restPathParameterInvalid(name));
  return encodeURIComponent(text);
}

/**
 * The request for a tool's arguments: path parameters into the template's `{name}` placeholders (one segment each),
 * query parameters through URLSearchParams (arrays repeat the key), header parameters as they are (CR/LF refused),
 * and the body as JSON. Arguments the plan does not know go into a flat body, else nowhere.
 */
export function buildRestRequest(method: string, pathTemplate: string, plan: RestArgumentPlan, args: Record<string, unknown>): RestRequest {
  const values = new Map<string, string>();
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const parameter of plan.parameters) {
    const value = own(args, parameter.argument);
    if (value === undefined || value === null) {
      if (parameter.required) throw new RestArgumentError(McpMessages.restArgumentMissing(parameter.argument));
      continue;
    }
    if (parameter.in === 'path') values.set(parameter.name, pathSegment(parameter.argument, value));
    else if (parameter.in === 'query') {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (!scalar(item)) throw new RestArgumentError(McpMessages.restQueryParameterInvalid(parameter.argument));
        query.append(parameter.name, String(item));
      }
    } else {
      if (!scalar(value) || /[\r\n\0]/.test(String(value))) throw new RestArgumentError(McpMessages.restHeaderParameterInvalid(parameter.argument));
      headers[parameter.name.toLowerCase()] = String(value);
    }
  }
  const path = pathTemplate.replace(/\{([^}]+)\}/g, (_placeholder, name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new RestArgumentError(McpMessages.restArgumentMissing(name));
    return value;
  });
  const search = query.toString();
  let body: string | undefined;
  if (plan.body?.mode === 'nested') {
    const value = own(args, plan.body.argument);
    if (value !== undefined) body = JSON.stringify(value);
  } else if (plan.body?.mode === 'flat') {
    const taken = new Set(plan.parameters.map((parameter) => parameter.argument));
    // Every argument that is not a parameter goes to the body, so the route's own validation (e.g. a whitelist
    // ValidationPipe) judges undeclared properties as it does for REST.
    body = JSON.stringify(Object.fromEntries(Object.entries(args).filter(([key]) => !taken.has(key))));
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { method, route: `${method} ${pathTemplate}`, target: search ? `${path}?${search}` : path, headers, body };
}
