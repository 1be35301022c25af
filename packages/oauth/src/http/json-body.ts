import type { IncomingMessage } from 'node:http';

/** oidc-provider's own limit on request bodies. */
const LIMIT = 56 * 1024;

/** A request body refused before oidc-provider sees it: the status and the OAuth error to answer. */
export class RefusedBody extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * The JSON body of a request: what the app's body parser read (`req.body`, Express), else read and parsed here and
 * left on `req.body` (Fastify, where the hook runs before Fastify reads it), which oidc-provider then takes.
 * Undefined when it is not JSON (oidc-provider answers that request itself); `RefusedBody` when too large or malformed.
 */
export async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const holder = request as { body?: unknown };
  if (holder.body !== undefined || !request.readable || !/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return holder.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > LIMIT) throw new RefusedBody(413, `the request body is larger than ${LIMIT} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    holder.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RefusedBody(400, 'the request body is not valid JSON');
  }
  return holder.body;
}
