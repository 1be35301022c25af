import type { IncomingHttpHeaders } from 'node:http';
import {
  classifyInboundRequest as classifyInboundRequestV2,
  UnsupportedProtocolVersionError as UnsupportedProtocolVersionErrorV2,
} from '@modelcontextprotocol/server';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import type { McpProtocolVersions } from '../interfaces/mcp-options.interface.js';
import type { McpRejection } from '../http/mcp-rejection.js';
import { REV_2026_PROTOCOL_VERSIONS, type Rev2026Message } from '../rev-2026-07-28/rev-2026-message.js';

/** Where a POSTed message goes: the 2025-11-25 path, the 2026-07-28 path, or nowhere (refused, or accepted and dropped). */
export type RevisionRoute =
  | { to: '2025-11-25' }
  | { to: '2026-07-28'; message: Rev2026Message; revision: string }
  | { to: 'dropped' }
  | { to: 'refused'; rejection: McpRejection };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The `_meta` key that names the protocol revision of a 2026-07-28 request. */
const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';

function shows2026(headers: IncomingHttpHeaders, body: unknown): boolean {
  if (headers['mcp-method'] !== undefined) return true;
  const version = header(headers, 'mcp-protocol-version');
  if (version !== undefined && REV_2026_PROTOCOL_VERSIONS.includes(version)) return true;
  const meta = (body as { params?: { _meta?: unknown } } | null)?.params?._meta;
  return typeof meta === 'object' && meta !== null && PROTOCOL_VERSION_META_KEY in meta;
}

function idOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** Which body field the Mcp-Name header mirrors, per method (SEP-2243). */
const NAME_SOURCES: Record<string, 'name' | 'uri'> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** An Mcp-Name value, decoding the `=?base64?...?=` form used for values that are not safe header text. */
function decodeNameHeader(value: string): string | undefined {
  const trimmed = value.trim();
  if (!(trimmed.startsWith('=?base64?') && trimmed.endsWith('?='))) return trimmed;
  const encoded = trimmed.slice(9, -2);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
  return Buffer.from(encoded, 'base64').toString('utf8');
}

function reject(status: number, code: number, message: string, id: string | number | null, data?: unknown): RevisionRoute {
  return { to: 'refused', rejection: { status, code, message, id, ...(data !== undefined && { data }) } };
}

/**
 * The standard request headers of a 2026-07-28 request (SEP-2243): MCP-Protocol-Version and Mcp-Method are
 * required on every request, Mcp-Name on tools/call, prompts/get and resources/read, and each must agree with
 * the body. The SDK's classifier checks the values that are present; this checks presence and Mcp-Name.
 */
function checkStandardHeaders(headers: IncomingHttpHeaders, message: Rev2026Message): RevisionRoute | undefined {
  if (message.id === undefined) return undefined;
  const id = message.id;
  if (header(headers, 'mcp-protocol-version') === undefined) {
    return reject(400, McpErrorCode.HeaderMismatch, McpMessages.headerMissing('MCP-Protocol-Version', message.method), id, { mismatch: { header: '(missing)' } });
  }
  if (header(headers, 'mcp-method') === undefined) {
    return reject(400, McpErrorCode.HeaderMismatch, McpMessages.headerMissing('Mcp-Method', message.method), id, { mismatch: { header: '(missing)' } });
  }
  const field = NAME_SOURCES[message.method];
  const bodyValue = field ? message.params?.[field] : undefined;
  if (typeof bodyValue !== 'string') return undefined;
  const nameHeader = header(headers, 'mcp-name');
  if (nameHeader === undefined) {
    return reject(400, McpErrorCode.HeaderMismatch, McpMessages.headerMissing('Mcp-Name', message.method), id, { mismatch: { header: '(missing)', body: bodyValue } });
  }
  const decoded = decodeNameHeader(nameHeader);
  if (decoded === undefined) return reject(400, McpErrorCode.HeaderMismatch, McpMessages.nameHeaderInvalid(), id);
  if (decoded !== bodyValue) {
    return reject(400, McpErrorCode.HeaderMismatch, McpMessages.nameHeaderMismatch(field!, bodyValue, decoded), id, { mismatch: { header: decoded, body: bodyValue } });
  }
  return undefined;
}

/**
 * Revision routing: classifies one POSTed body (already parsed) into the 2025-11-25 or the 2026-07-28 revision, the way the spec's
 * versioning page says: a request whose `_meta` carries `io.modelcontextprotocol/protocolVersion` is 2026-07-28;
 * `initialize` and requests without it are 2025; posted responses are 2025. Headers are cross-checked
 * (-32020 on disagreement). The classification itself is the official SDK's (`classifyInboundRequest`).
 */
export function classifyPost(headers: IncomingHttpHeaders, body: unknown, served: McpProtocolVersions): RevisionRoute {
  return classify(headers, body, served, true);
}

/**
 * Revision routing of a message on a channel that is not HTTP (stdio, the testing kit's in-memory channel): the
 * same classification as `classifyPost()`, by the message's `_meta` alone, without the HTTP headers of SEP-2243.
 */
export function classifyChannelMessage(body: unknown, served: McpProtocolVersions): RevisionRoute {
  return classify({}, body, served, false);
}

function classify(headers: IncomingHttpHeaders, body: unknown, served: McpProtocolVersions, http: boolean): RevisionRoute {
  if (served === '2025-11-25') return { to: '2025-11-25' };
  // Serving both revisions, a message with no sign of 2026-07-28 (no protocol version in _meta, no Mcp-Method
  // header, no 2026 MCP-Protocol-Version header) is 2025-era: the classifier would say so, at a cost per message.
  if (served === 'both' && !shows2026(headers, body)) return { to: '2025-11-25' };
  const outcome = classifyInboundRequestV2({
    httpMethod: 'POST',
    protocolVersionHeader: header(headers, 'mcp-protocol-version'),
    mcpMethodHeader: header(headers, 'mcp-method'),
    mcpNameHeader: header(headers, 'mcp-name'),
    body,
  });
  if (outcome.kind === 'reject') return reject(outcome.httpStatus, outcome.code, outcome.message, idOf(body), outcome.data);
  if (outcome.kind === 'legacy') {
    if (served === 'both') return { to: '2025-11-25' };
    if (outcome.reason === 'notification') return { to: 'dropped' };
    if (outcome.reason === 'response') return reject(400, McpErrorCode.InvalidRequest, McpMessages.modernOnly(), null);
    const requested = outcome.requestedVersion ?? 'none';
    const error = new UnsupportedProtocolVersionErrorV2({ supported: [...REV_2026_PROTOCOL_VERSIONS], requested });
    return reject(400, error.code, `${error.message}. ${McpMessages.modernOnly()}`, idOf(body), error.data);
  }
  // The classifier hands back the body we gave it: our own parsed JSON, not an SDK object.
  const message = body as Rev2026Message;
  const revision = outcome.classification.revision;
  if (revision === undefined || !REV_2026_PROTOCOL_VERSIONS.includes(revision)) {
    const error = new UnsupportedProtocolVersionErrorV2({ supported: [...REV_2026_PROTOCOL_VERSIONS], requested: revision ?? 'unknown' });
    return reject(400, error.code, error.message, message.id ?? null, error.data);
  }
  return (http ? checkStandardHeaders(headers, message) : undefined) ?? { to: '2026-07-28', message, revision };
}
