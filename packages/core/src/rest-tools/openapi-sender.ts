import { Logger } from '@nestjs/common';
import { McpMessages } from '../mcp.messages.js';
import type { McpOpenApiOptions } from '../interfaces/mcp-rest-tools-options.interface.js';
import { RestCallError } from './in-process-http.js';
import { openApiCallUrl, parseOpenApiBaseUrl } from './openapi-url.js';
import { forwardedHeaders, resolveRestCallOptions, type RestSender } from './rest-tool.js';

const logger = new Logger('McpRestTools');

/** Reads a response body up to `max` bytes; past that it cancels the stream and throws. */
async function readCapped(response: Response, max: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await response.body.cancel();
    throw new RestCallError(McpMessages.restResponseTooLarge(max));
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new RestCallError(McpMessages.restResponseTooLarge(max));
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Calls the REST service of an OpenAPI document with Node's fetch (undici): the document's path appended to
 * `baseUrl`, the configured headers, the caller's forwarded ones (none by default: passing an MCP caller's token
 * on to another service is what the MCP spec forbids, unless that service is an audience of the same token),
 * a deadline (`timeoutMs`) for the whole exchange, and a cap on the body. Redirects are not followed: a 3xx is a
 * tool error, so credentials never travel to a host the document did not name.
 */
export function openApiSender(options: McpOpenApiOptions): RestSender {
  const call = resolveRestCallOptions(options, false);
  const base = parseOpenApiBaseUrl(options.baseUrl);
  return async (request, caller) => {
    let url: URL;
    try {
      url = openApiCallUrl(base, request.target, request.route);
    } catch (error) {
      throw new RestCallError((error as Error).message);
    }
    const fixed = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
    // The request's own (header arguments, content type) first: forwarded and configured credentials win over them.
    // Configured names lower-cased, so `X-Api-Key` replaces an `x-api-key` argument instead of joining it.
    const configured = Object.fromEntries(Object.entries(fixed).map(([name, value]) => [name.toLowerCase(), value]));
    const headers = { accept: 'application/json', ...request.headers, ...forwardedHeaders(caller, call.forwardHeaders), ...configured };
    const signal = AbortSignal.timeout(call.timeoutMs);
    try {
      const response = await fetch(url, { method: request.method, headers, body: request.body, redirect: 'manual', signal });
      const body = await readCapped(response, call.maxResponseBytes);
      return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body };
    } catch (error) {
      if (error instanceof RestCallError) throw error;
      if (signal.aborted) throw new RestCallError(McpMessages.restTimeout(call.timeoutMs));
      // The service's URL and the network error stay in the log: the tool caller reads the operation only.
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      logger.warn(McpMessages.restUnreachableLog(request.route, base.href, reason));
      throw new RestCallError(McpMessages.restUnreachable(request.route));
    }
  };
}
