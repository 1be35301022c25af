import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { McpMessages } from '../mcp.messages.js';

/** What decides which origins and hosts may reach the MCP routes (DNS-rebinding protection). */
export interface OriginPolicy {
  /** Exact origins (`https://app.example.com`), or `*`. Unset: same-origin, plus loopback origins on a loopback server. */
  readonly allowedOrigins?: readonly string[];
  /** Host names or `host:port`, or `*`. Unset: loopback hosts only on a loopback server, anything otherwise. */
  readonly allowedHosts?: readonly string[];
  /** Take host and scheme from X-Forwarded-Host / X-Forwarded-Proto. */
  readonly trustProxy: boolean;
}

/** `status`: 400 for a request that is malformed (two Host fields), else the refusal is a 403. */
export type OriginVerdict = { ok: true; origin?: string } | { ok: false; message: string; status?: 400 };

/** How many field lines named `name` (lower case) the request has, as sent (Node keeps the first Host, joins Origins). */
function fieldLines(req: IncomingMessage, name: string): number {
  const raw = req.rawHeaders ?? [];
  let count = 0;
  // Lengths first: most names are not as long as `name`, and lower-casing each of them on every request adds up.
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === name.length && raw[i].toLowerCase() === name) count++;
  return count;
}

function first(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single?.split(',')[0].trim() || undefined;
}

/** Whether an IP address (as `server.address()` gives it) is a loopback address. */
export function isLoopbackAddress(address: string): boolean {
  const ip = address.replace(/^::ffff:/i, '');
  if (isIP(ip) === 4) return ip.startsWith('127.');
  return ip === '::1';
}

/** Whether a URL host name (`localhost`, `127.0.0.1`, `[::1]`, `app.localhost`) names this machine. */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name.endsWith('.localhost') || (isIP(name) !== 0 && isLoopbackAddress(name));
}

/**
 * The host the client addressed (`host[:port]`): X-Forwarded-Host behind a trusted proxy (its first entry, the
 * client-facing one), else the Host header as sent (a Host with a list in it is not a host, and fails the check).
 */
export function requestHost(req: IncomingMessage, trustProxy: boolean): string | undefined {
  return (trustProxy && first(req.headers['x-forwarded-host'])) || req.headers.host?.trim() || undefined;
}

/**
 * The authority of a request-target in absolute form (`POST http://host/mcp HTTP/1.1`). An origin server must
 * take the host from it rather than from Host (RFC 9112 section 3.2.2), and routers serve such a request at its
 * path, so it is checked like Host. `undefined` for the usual origin form (`/mcp`).
 */
export function absoluteFormHost(req: IncomingMessage): string | undefined {
  const target = req.url ?? '/';
  if (target.startsWith('/') || target === '*') return undefined;
  try {
    return new URL(target).host || '';
  } catch {
    return '';
  }
}

/** The scheme the client used: X-Forwarded-Proto behind a trusted proxy, else the connection's. */
export function requestProtocol(req: IncomingMessage, trustProxy: boolean): 'http' | 'https' {
  const forwarded = trustProxy ? first(req.headers['x-forwarded-proto'])?.toLowerCase() : undefined;
  if (forwarded === 'https' || forwarded === 'http') return forwarded;
  return (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
}

/** `loopback`: whether the host name names this machine (`isLoopbackHostname`), worked out once per cached value. */
type ParsedHost = { readonly hostname: string; readonly port: string; readonly loopback: boolean } | undefined;

/**
 * Parsed Host values, by scheme and value: a client sends the same few on every request (bounded, starts over
 * when full). One table per scheme, so no key is built per request.
 */
const parsedHostsByProtocol = new Map<string, Map<string, ParsedHost>>();
const MAX_PARSED_HOSTS = 256;
const MAX_CACHED_HOST_LENGTH = 262;

/** A Host value as the WHATWG URL parser reads it (cached: `new URL()` on every request is a noticeable cost). */
function parseHost(host: string, protocol: string): ParsedHost {
  let parsedHosts = parsedHostsByProtocol.get(protocol);
  if (!parsedHosts) parsedHostsByProtocol.set(protocol, (parsedHosts = new Map()));
  const cached = parsedHosts.get(host);
  if (cached !== undefined || parsedHosts.has(host)) return cached;
  const parsed = parseHostUncached(host, protocol);
  if (host.length > MAX_CACHED_HOST_LENGTH) return parsed;
  if (parsedHosts.size >= MAX_PARSED_HOSTS) parsedHosts.clear();
  parsedHosts.set(host, parsed && Object.freeze(parsed));
  return parsed;
}

function parseHostUncached(host: string, protocol: string): ParsedHost {
  try {
    const url = new URL(`${protocol}://${host}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    const hostname = url.hostname.toLowerCase();
    return { hostname, port: url.port || (protocol === 'https' ? '443' : '80'), loopback: isLoopbackHostname(hostname) };
  } catch {
    return undefined;
  }
}

/** Origins as `normalizeOrigin` reads them, by value (bounded like the Host values; `null` for none). */
const normalizedOrigins = new Map<string, string | null>();

/** An origin as the WHATWG URL parser serializes it (cached: a browser sends the same one on every request). */
function normalizeOrigin(origin: string): string | undefined {
  const cached = normalizedOrigins.get(origin);
  if (cached !== undefined) return cached ?? undefined;
  const normalized = normalizeOriginUncached(origin);
  if (origin.length > MAX_CACHED_HOST_LENGTH) return normalized;
  if (normalizedOrigins.size >= MAX_PARSED_HOSTS) normalizedOrigins.clear();
  normalizedOrigins.set(origin, normalized ?? null);
  return normalized;
}

function normalizeOriginUncached(origin: string): string | undefined {
  if (origin === 'null') return 'null';
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

function hostAllowed(host: { hostname: string; port: string }, allowed: readonly string[], protocol: string): boolean {
  return allowed.some((entry) => {
    if (entry === '*') return true;
    const wanted = parseHost(entry, protocol);
    if (!wanted) return false;
    const portGiven = /:\d+$/.test(entry.replace(/^\[[^\]]*\]/, ''));
    return wanted.hostname === host.hostname && (!portGiven || wanted.port === host.port);
  });
}

/** The verdict of a request without an Origin that passed (one object for all of them). */
const PASS: OriginVerdict = Object.freeze({ ok: true });

/** Whether a checked server serves this host: one of `allowedHosts`, else a loopback name. */
function served(candidate: ParsedHost, policy: OriginPolicy, protocol: string): boolean {
  if (candidate === undefined) return false;
  return policy.allowedHosts ? hostAllowed(candidate, policy.allowedHosts, protocol) : candidate.loopback;
}

/**
 * Checks the Host and Origin of a request to the MCP routes (MCP 2025-11-25: servers MUST validate Origin).
 * `loopbackServer`: the app listens on a loopback address, so only this machine should be talking to it.
 */
export function checkOrigin(req: IncomingMessage, policy: OriginPolicy, loopbackServer: boolean): OriginVerdict {
  // Two Host fields: the check and a proxy in front could each read another one (RFC 9112 section 3.2: 400).
  if (fieldLines(req, 'host') > 1) return { ok: false, status: 400, message: McpMessages.duplicateHost() };
  const protocol = requestProtocol(req, policy.trustProxy);
  const rawHost = requestHost(req, policy.trustProxy) ?? '';
  const host = parseHost(rawHost, protocol);
  const hostChecked = policy.allowedHosts !== undefined || loopbackServer;
  if (hostChecked) {
    if (!served(host, policy, protocol)) return { ok: false, message: McpMessages.forbiddenHost(rawHost) };
    const authority = absoluteFormHost(req);
    if (authority !== undefined && !served(parseHost(authority, protocol), policy, protocol)) {
      return { ok: false, message: McpMessages.forbiddenHost(authority) };
    }
  }

  const header = req.headers.origin;
  if (header === undefined) return PASS;
  const rawOrigin = (Array.isArray(header) ? header.join(', ') : header).trim();
  // A browser sends one origin; a list (several fields, or one with a list in it) is not one to check.
  if (fieldLines(req, 'origin') > 1 || /[,\s]/.test(rawOrigin)) return { ok: false, message: McpMessages.forbiddenOrigin(rawOrigin) };
  const origin = normalizeOrigin(rawOrigin);
  if (origin === undefined) return { ok: false, message: McpMessages.forbiddenOrigin(rawOrigin) };
  if (policy.allowedOrigins?.some((entry) => entry === '*' || normalizeOrigin(entry) === origin)) return { ok: true, origin };
  if (origin !== 'null') {
    const sameOrigin = host !== undefined && normalizeOrigin(`${protocol}://${rawHost}`) === origin;
    if (sameOrigin) return { ok: true, origin };
    if (!policy.allowedOrigins && loopbackServer) {
      const { protocol: scheme, hostname } = new URL(origin);
      if ((scheme === 'http:' || scheme === 'https:') && isLoopbackHostname(hostname)) return { ok: true, origin };
    }
  }
  return { ok: false, message: McpMessages.forbiddenOrigin(rawOrigin) };
}
