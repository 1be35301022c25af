import type { INestApplication } from '@nestjs/common';
import { McpModule } from '@nestmcp/core';
import { startApp } from './fixtures/app.js';
import { SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, SECRET, signToken } from './fixtures/auth/tokens.js';
import { bearer, rpc } from './fixtures/auth/http.js';
import { SseReader } from './fixtures/sse-reader.js';

/** Bearer auth on the legacy HTTP+SSE transport: the same guard, per-item scopes and session binding as Streamable HTTP. */
describe('bearer auth on the legacy SSE transport', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, url } = await startApp({
      imports: [
        McpModule.forRoot({
          name: 'secure-sse',
          version: '1.0.0',
          transports: { sse: {} },
          auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } },
        }),
      ],
      providers: [SecureTools],
    }));
  });
  afterAll(() => app.close());

  /** Opens an SSE stream as `headers`' caller and returns the messages URL and a reader. */
  async function openStream(headers: Record<string, string>) {
    const response = await fetch(url('/sse'), { headers: { ...headers, accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    const reader = new SseReader(response);
    const endpoint = await reader.nextEvent();
    expect(endpoint?.event).toBe('endpoint');
    return { messages: new URL(endpoint!.data!, url('/')), reader };
  }

  const postMessage = (messages: URL, body: unknown, headers: Record<string, string>) =>
    fetch(messages, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('refuses the stream without a token (401 with a challenge)', async () => {
    const response = await fetch(url('/sse'), { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(401);
    // No credentials: a challenge without an error code (RFC 6750 §3.1).
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
    await response.text();
  });

  it("answers another principal's session like an unknown one (404)", async () => {
    const alice = bearer(await signToken({ sub: 'alice' }));
    const bob = bearer(await signToken({ sub: 'bob' }));
    const { messages, reader } = await openStream(alice);
    const stolen = await postMessage(messages, rpc('tools/list'), bob);
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { message: string } }).error.message).toMatch(/Session not found/);
    const own = await postMessage(messages, rpc('tools/list'), alice);
    expect(own.status).toBe(202);
    expect((await reader.nextMessage()).result.tools.length).toBeGreaterThan(0);
    await reader.cancel();
  });

  it('refuses a scoped tool with 403 insufficient_scope before dispatch, and serves it with the scope', async () => {
    const plain = bearer(await signToken({ sub: 'carol' }));
    const { messages, reader } = await openStream(plain);
    const refused = await postMessage(messages, rpc('tools/call', { name: 'read_notes' }), plain);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="notes:read"/);
    await reader.cancel();

    const scoped = bearer(await signToken({ sub: 'carol', scope: 'notes:read' }));
    const stream = await openStream(scoped);
    expect((await postMessage(stream.messages, rpc('tools/call', { name: 'read_notes' }), scoped)).status).toBe(202);
    expect((await stream.reader.nextMessage()).result).toMatchObject({ content: [{ type: 'text', text: 'notes' }] });
    await stream.reader.cancel();
  });
});
