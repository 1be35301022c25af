import type { IncomingMessage } from 'node:http';

interface FrameworkRequest {
  protocol?: unknown;
  host?: unknown;
  raw?: IncomingMessage;
  headers?: IncomingMessage['headers'];
  socket?: IncomingMessage['socket'];
}

/**
 * `scheme://host[:port]` the client used, as the platform understands it: Express (`req.protocol`, `req.host`)
 * and Fastify (`request.protocol`, `request.host`) honour X-Forwarded-Proto / X-Forwarded-Host only when the app
 * trusts the proxy (`app.set('trust proxy', ...)`, Fastify `trustProxy`), so spoofed headers are ignored otherwise.
 */
export function requestOrigin(request: unknown): string {
  const framework = request as FrameworkRequest;
  const raw = framework.raw ?? (request as IncomingMessage);
  const protocol =
    typeof framework.protocol === 'string' && framework.protocol
      ? framework.protocol
      : (raw.socket as { encrypted?: boolean } | undefined)?.encrypted
        ? 'https'
        : 'http';
  const host = typeof framework.host === 'string' && framework.host ? framework.host : (raw.headers?.host ?? 'localhost');
  return `${protocol}://${host}`;
}
