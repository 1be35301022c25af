import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { McpModule } from '@nestmcp/core';
import { SecureTools } from './fixtures/auth/secure.tools.js';
import { AUDIENCE, ISSUER, SECRET, signToken } from './fixtures/auth/tokens.js';
import { bearer, openSession } from './fixtures/auth/http.js';
import { SseReader } from './fixtures/sse-reader.js';

/**
 * A session's Streamable HTTP GET stream opened with a bearer token ends when the token expires: it would otherwise
 * keep delivering the session's messages to whoever holds the stream, long after the token stopped being valid. The
 * client reconnects (with Last-Event-ID), and must present a valid token to do so. The legacy SSE stream carries the
 * answers of its session's POSTs, so it is not cut.
 */
describe.each(['express', 'fastify'])('GET streams end when their token expires (%s)', (platform) => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpModule.forRoot({
          name: 'expiring',
          version: '1.0.0',
          transports: { streamableHttp: {}, sse: {} },
          auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } },
        }),
      ],
      providers: [SecureTools],
    }).compile();
    app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    url = (path = '/mcp') => new URL(path, base);
  });
  afterAll(() => app.close());

  it('ends the Streamable HTTP GET stream of a session at the token expiry; a stream with a later expiry stays', async () => {
    const long = bearer(await signToken({ expiresIn: 300 }));
    const session = await openSession(url(), long);
    // Signed just before the stream opens, with room for a loaded machine: it must still be valid when the GET arrives.
    const short = bearer(await signToken({ expiresIn: 4 }));
    const open = async (headers: Record<string, string>, id: string) => {
      const response = await fetch(url(), { headers: { ...headers, accept: 'text/event-stream', 'mcp-session-id': id } });
      expect(response.status).toBe(200);
      return new SseReader(response);
    };
    const expiring = await open(short, session);
    // The stream ends (undefined: no more events) once the 4-second token has expired.
    await expect(expiring.nextEvent(15_000)).resolves.toBeUndefined();
    // A new stream needs a valid token: the expired one is refused, the long one gets a stream that stays open.
    const refused = await fetch(url(), { headers: { ...short, accept: 'text/event-stream', 'mcp-session-id': session } });
    expect(refused.status).toBe(401);
    await refused.text();
    const lasting = await open(long, session);
    expect(await lasting.stillOpen(1500)).toBe(true);
    await lasting.cancel();
  }, 30_000);

  it('keeps the legacy SSE stream open past the token expiry: the answers of its POSTs travel on it', async () => {
    const response = await fetch(url('/sse'), { headers: { ...bearer(await signToken({ expiresIn: 3 })), accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    const reader = new SseReader(response);
    const endpoint = (await reader.nextEvent())!.data!;
    // Still open past the token's expiry (3 s; exp has whole seconds).
    expect(await reader.stillOpen(4500)).toBe(true);
    // A POST with a fresh token, after the stream's token expired: its answer still arrives on the stream.
    const posted = await fetch(new URL(endpoint, url('/')), {
      method: 'POST',
      headers: { ...bearer(await signToken()), 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } }),
    });
    expect(posted.status).toBe(202);
    await posted.text();
    expect(await reader.nextMessage()).toMatchObject({ id: 1, result: { protocolVersion: '2025-11-25' } });
    await reader.cancel();
  }, 20_000);
});
