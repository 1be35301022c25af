import { Logger } from '@nestjs/common';
import { McpOAuthMessages } from '../mcp-oauth.messages.js';
import type { McpOAuthClientMetadata } from '../stores/mcp-oauth-client-store.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const TIMEOUT_MS = 2500;
const MAX_BYTES = 5 * 1024;
const SHARED_SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

/** Whether a client id is a development loopback metadata document URL: `http://127.0.0.1[:port]/path` & co. */
export function isLoopbackDocumentUrl(clientId: string): boolean {
  const url = URL.parse(clientId);
  return !!url && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && url.pathname !== '/' && !url.hash && !url.username && !url.password;
}

function maxAgeOf(response: Response, bounds: { min: number; max: number }): number {
  const maxAge = /(?:^|,)\s*max-age\s*=\s*(\d+)/i.exec(response.headers.get('cache-control') ?? '');
  const seconds = maxAge ? Number(maxAge[1]) : bounds.min;
  return Math.max(bounds.min, Math.min(bounds.max, seconds));
}

async function boundedText(response: Response): Promise<string> {
  if (Number(response.headers.get('content-length') ?? 0) > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Client ID metadata documents on http loopback URLs, for development only (`allowLoopbackForDevelopment`): a test
 * or a local client serves its document on 127.0.0.1. oidc-provider's own support (used for every https client id)
 * refuses http and loopback addresses by design (its SSRF guard), so this one path is written here, with the
 * same rules: no redirects, a time and a size limit, cached per Cache-Control within bounds, `client_id` equal to
 * the URL, no shared-secret client authentication.
 */
export class LoopbackMetadataDocuments {
  private readonly logger = new Logger('McpOAuth');
  private readonly cache = new Map<string, { metadata: McpOAuthClientMetadata; until: number }>();

  constructor(private readonly cacheSeconds: { min: number; max: number }) {}

  async find(clientId: string): Promise<McpOAuthClientMetadata | undefined> {
    if (!isLoopbackDocumentUrl(clientId)) return undefined;
    const cached = this.cache.get(clientId);
    if (cached && cached.until > Date.now()) return cached.metadata;
    try {
      const { metadata, maxAgeSeconds } = await this.fetch(clientId);
      this.cache.set(clientId, { metadata, until: Date.now() + maxAgeSeconds * 1000 });
      return metadata;
    } catch (error) {
      this.logger.warn(McpOAuthMessages.loopbackDocumentRefused(clientId, (error as Error).message));
      return undefined;
    }
  }

  private async fetch(url: string): Promise<{ metadata: McpOAuthClientMetadata; maxAgeSeconds: number }> {
    const response = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`answered HTTP ${response.status} (redirects are not followed)`);
    }
    const document = JSON.parse(await boundedText(response)) as Record<string, unknown>;
    if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error('is not a JSON object');
    if (document.client_id !== url) throw new Error('its client_id is not its URL');
    if ('client_secret' in document || SHARED_SECRET_METHODS.has(document.token_endpoint_auth_method as string)) {
      throw new Error('must not use a shared secret');
    }
    return {
      metadata: { token_endpoint_auth_method: 'none', ...document, client_id: url },
      maxAgeSeconds: maxAgeOf(response, this.cacheSeconds),
    };
  }
}
