import type { IncomingMessage } from 'node:http';

const LIMIT = 16 * 1024;

/**
 * The fields of a form POST (`application/x-www-form-urlencoded`): those the app's body parser already read
 * (`req.body`, Express's urlencoded parser), else read here with a size limit.
 */
export async function formBody(request: IncomingMessage): Promise<Record<string, string>> {
  const parsed = (request as { body?: unknown }).body;
  if (parsed && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) {
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
  if (!request.readable) return {};
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > LIMIT) throw Object.assign(new Error('form too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}
