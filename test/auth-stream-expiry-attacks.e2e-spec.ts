import 'reflect-metadata';
import { request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { InMemoryEventStore, McpContext, McpModule, McpRegistry, McpResource, McpTool, type AccessToken } from '@nestmcp/core';
import { AUDIENCE, ISSUER, SECRET, signToken } from './fixtures/auth/tokens.js';
import { bearer, message, openSession, post, rpc } from './fixtures/auth/http.js';
import { SseReader } from './fixtures/sse-reader.js';
import { Gate } from './fixtures/gate.js';

@Injectable()
class SlowTools {
  static readonly gate = new Gate();

  @McpTool({ description: 'Logs (so the answer is an SSE stream), waits for the gate, answers' })
  async slow(_args: unknown, ctx: McpContext) {
    await ctx.log.info('started');
    await SlowTools.gate.wait();
    return 'slow done';
  }
}

@Injectable()
class NotesTools {
  constructor(private readonly registry: McpRegistry) {}

  @McpTool({ description: 'Tells subscribers of notes://index that it changed' })
  touch() {
    this.registry.notifyResourceUpdated('notes://index');
    return 'touched';
  }

  @McpResource({ uri: 'notes://index', mimeType: 'text/plain' })
  index() {
    return 'notes';
  }
}

/** Waits until the token is refused (it has expired as the server sees it): the test waits on the server, not on a clock. */
async function untilRefused(url: URL, headers: Record<string, string>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } });
    await response.body?.cancel();
    if (response.status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the token was never refused');
}

// Attacks on "GET streams end when their bearer token expires" (stream-expiry.ts, McpServerAuthGuard).
describe.each(['express', 'fastify'] as const)('attacks on the end of GET streams at token expiry (%s)', (platform) => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  /** What the verifier server's `verify` answers for the token 'weird'. */
  let weirdExpiry: unknown;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpModule.forRoot({
          name: 'expiring',
          version: '1.0.0',
          transports: { streamableHttp: {}, sse: {} },
          auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 60 } },
        }),
        McpModule.forRoot({
          name: 'verified',
          version: '1.0.0',
          transports: { streamableHttp: { path: '/v/mcp' } },
          auth: {
            verifier: {
              verify: async (token: string): Promise<AccessToken | null> =>
                token === 'weird' ? ({ token, scopes: [], expiresAt: weirdExpiry } as unknown as AccessToken) : null,
            },
          },
        }),
      ],
      providers: [SlowTools],
    }).compile();
    app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    url = (path = '/mcp') => new URL(path, base);
  });
  afterAll(() => app.close());

  async function openStream(headers: Record<string, string>, session: string, path = '/mcp') {
    const response = await fetch(url(path), { headers: { ...headers, accept: 'text/event-stream', 'mcp-session-id': session } });
    expect(response.status).toBe(200);
    return new SseReader(response);
  }

  it('keeps a stream whose token is past exp but inside clockToleranceSeconds open (no reconnect loop)', async () => {
    const session = await openSession(url(), bearer(await signToken()));
    const skewed = bearer(await signToken({ expiresIn: -5 }));
    const stream = await openStream(skewed, session);
    expect(await stream.stillOpen(1500)).toBe(true);
    await stream.cancel();
  });

  it('keeps a stream open whose token expires past setTimeout range (2^31 ms) or centuries away', async () => {
    for (const expiresIn of [2 ** 31 / 1000 + 10, 2 ** 40, 1e12]) {
      const token = bearer(await signToken({ expiresIn }));
      const session = await openSession(url(), token);
      const stream = await openStream(token, session);
      expect(await stream.stillOpen(700)).toBe(true);
      await stream.cancel();
    }
  });

  it('does not cut a POST whose answer is an SSE stream when its token expires during the call', async () => {
    // Past exp by 55 s: accepted for 5 s more under the 60 s clock tolerance (room for a loaded machine).
    const token = bearer(await signToken({ expiresIn: -55 }));
    const session = await openSession(url(), token);
    const response = await post(url(), rpc('tools/call', { name: 'slow', arguments: {} }, 7), { ...token, 'mcp-session-id': session });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = new SseReader(response);
    const started = await reader.nextMessage();
    expect(started.method).toBe('notifications/message');
    await untilRefused(url(), { ...token, 'mcp-session-id': session });
    SlowTools.gate.open();
    const answer = await reader.nextMessage();
    expect(answer).toMatchObject({ id: 7, result: { content: [{ type: 'text', text: 'slow done' }] } });
  }, 30_000);

  it('refuses a verifier token whose expiresAt is not a number of seconds (NaN, a string), not a stream that never ends or spins', async () => {
    for (const expiresAt of [NaN, 'soon', null, {}]) {
      weirdExpiry = expiresAt;
      const response = await post(url('/v/mcp'), rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } }, 1), bearer('weird'));
      expect([expiresAt, response.status]).toEqual([expiresAt, 401]);
      await response.text();
    }
  });

  it('still serves a verifier token with a numeric expiresAt in the future', async () => {
    weirdExpiry = Math.floor(Date.now() / 1000) + 300;
    const response = await post(url('/v/mcp'), rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } }, 1), bearer('weird'));
    expect(response.status).toBe(200);
    expect((await message(response)).result).toBeDefined();
  });
});

// Attacks on "auth.jwt refuses JWTs without exp" (requireExpiration, jwt-token-checker.ts): an exp that is there
// but not a number of seconds is no expiry either.
describe('auth.jwt requireExpiration against exp that is not a number', () => {
  let app: INestApplication;
  let url: URL;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'strict', version: '1.0.0', auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } } })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = new URL('/mcp', (await app.getUrl()).replace('[::1]', '127.0.0.1'));
  });
  afterAll(() => app.close());

  const initialize = (token: string) => post(url, rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } }, 1), bearer(token));

  it.each([['a string', String(Math.floor(Date.now() / 1000) + 300)], ['null', null], ['true', true], ['a list', [Math.floor(Date.now() / 1000) + 300]], ['an object', {}]])(
    'refuses exp as %s with 401',
    async (_what, exp) => {
      const response = await initialize(await signToken({ expiresIn: null, claims: { exp } as never }));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('invalid_token');
      await response.text();
    },
  );

  it('refuses a token without exp, and one whose exp has passed', async () => {
    for (const expiresIn of [null, -1]) {
      const response = await initialize(await signToken({ expiresIn }));
      expect(response.status).toBe(401);
      await response.text();
    }
  });
});

// A resumable session: what the server sent while the expired stream was gone is replayed to the client that comes
// back with a valid token and its Last-Event-ID.
describe.each(['express', 'fastify'] as const)('a standalone stream ended at expiry resumes with Last-Event-ID (%s)', (platform) => {
  let app: INestApplication;
  let url: URL;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpModule.forRoot({
          name: 'resumable',
          version: '1.0.0',
          transports: { streamableHttp: { resumability: { eventStore: new InMemoryEventStore({ maxEventsPerSession: 100 }) } } },
          auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } },
        }),
      ],
      providers: [NotesTools],
    }).compile();
    app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = new URL('/mcp', (await app.getUrl()).replace('[::1]', '127.0.0.1'));
  });
  afterAll(() => app.close());

  /** The JSON-RPC answer of a POST whose SSE stream opens with a priming event (no data). */
  async function answer(response: Response): Promise<{ result?: unknown }> {
    const data = (await response.text()).split('\n').filter((line) => line.startsWith('data: ') && line.length > 'data: '.length);
    return JSON.parse(data.at(-1)!.slice('data: '.length));
  }

  it('replays the notification sent between the end and the reconnect', async () => {
    const long = bearer(await signToken({ expiresIn: 300 }));
    const session = await openSession(url, long);
    const headers = { ...long, 'mcp-session-id': session };
    const subscribed = await post(url, rpc('resources/subscribe', { uri: 'notes://index' }, 2), headers);
    expect((await answer(subscribed)).result).toBeDefined();
    const touch = async (id: number) => expect((await answer(await post(url, rpc('tools/call', { name: 'touch', arguments: {} }, id), headers))).result).toBeDefined();

    const short = await fetch(url, { headers: { ...bearer(await signToken({ expiresIn: 4 })), accept: 'text/event-stream', 'mcp-session-id': session } });
    expect(short.status).toBe(200);
    const reader = new SseReader(short);
    await touch(3);
    let seen: { id?: string; data?: string } | undefined;
    for (let i = 0; i < 5 && !seen?.data; i++) seen = await reader.nextEvent();
    expect(JSON.parse(seen!.data!)).toMatchObject({ method: 'notifications/resources/updated' });
    await expect(reader.nextEvent(15_000)).resolves.toBeUndefined();

    await touch(4);
    const resumed = await fetch(url, { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': seen!.id! } });
    expect(resumed.status).toBe(200);
    const replay = new SseReader(resumed);
    let missed: { data?: string } | undefined;
    for (let i = 0; i < 5 && !missed?.data; i++) missed = await replay.nextEvent();
    expect(JSON.parse(missed!.data!)).toMatchObject({ method: 'notifications/resources/updated', params: { uri: 'notes://index' } });
    await replay.cancel();
  }, 30_000);
});

// A client that leaves while its GET's token is still being checked (a slow verifier, introspection, a JWKS fetch):
// its response closed before the stream's end was armed; nothing may hold it until the token expires.
describe('a GET stream whose client left while its token was checked', () => {
  let app: INestApplication;
  let url: URL;
  const gate = new Gate();
  let entered: () => void = () => undefined;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        McpModule.forRoot({
          name: 'slow-verifier',
          version: '1.0.0',
          auth: {
            verifier: {
              verify: async (token: string): Promise<AccessToken | null> => {
                if (token === 'slow') {
                  entered();
                  await gate.wait();
                }
                return { token, scopes: [], claims: {}, expiresAt: Math.floor(Date.now() / 1000) + 30 * 86_400 };
              },
            },
          },
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = new URL('/mcp', (await app.getUrl()).replace('[::1]', '127.0.0.1'));
  });
  afterAll(() => app.close());

  it('keeps no timer holding the closed response until the token expires', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const session = await openSession(url, bearer('ok'));
    const responses: WeakRef<ServerResponse>[] = [];
    const server = app.getHttpServer() as Server;
    const track = (request: IncomingMessage, response: ServerResponse) => {
      if (request.method === 'GET') responses.push(new WeakRef(response));
    };
    server.prependListener('request', track);
    const verifying = new Promise<void>((resolve) => (entered = resolve));
    const get = request(url, { method: 'GET', agent: false, headers: { ...bearer('slow'), accept: 'text/event-stream', 'mcp-session-id': session } });
    get.on('error', () => undefined);
    get.end();
    await verifying;
    server.off('request', track);
    const closed = new Promise((resolve) => responses[0].deref()!.once('close', resolve));
    get.destroy();
    await closed;
    gate.open();
    let held = true;
    for (let i = 0; i < 10 && held; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      gc();
      held = responses[0].deref() !== undefined;
    }
    expect(held).toBe(false);
  });
});
