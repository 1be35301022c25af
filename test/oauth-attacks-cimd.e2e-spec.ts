import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { freePort, startOAuthApp } from './fixtures/oauth/oauth-app.js';
import { authorizationUrl, pkcePair } from './fixtures/oauth/pkce.js';
import { waitFor } from './fixtures/raw-http.js';

const REDIRECT = 'https://client.example/callback';

/** A self-signed certificate for the loopback names, made by openssl for this run (the child trusts any). */
function certificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cimd-ssrf-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1,IP:0.0.0.0,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

/** An internal https service a client id may point at: it serves a valid document for any path, and counts. */
async function internalService(): Promise<{ server: Server; port: number; requests: string[]; connections: () => number }> {
  const requests: string[] = [];
  let handshakes = 0 // TCP connections;
  const server = createServer(certificate(), (request, response) => {
    requests.push(`${request.headers.host}${request.url}`);
    const self = `https://${request.headers.host}${request.url}`;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ client_id: self, client_name: 'internal', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }));
  });
  server.on('connection', () => handshakes++);
  await new Promise<void>((resolve) => server.listen(0, '::', resolve)); // dual stack: 127.0.0.1, ::1 and ::ffff:127.0.0.1
  return { server, port: (server.address() as { port: number }).port, requests, connections: () => handshakes };
}

async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['test/fixtures/oauth/cimd-ssrf-app.mjs'], {
    cwd: process.cwd(),
    // The child trusts any certificate: so the internal service's self-signed one is no obstacle, and only the
    // SSRF guard stands between a client id and the service.
    env: { ...process.env, NODE_OPTIONS: '', NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => /LISTENING \d+/.test(output) || child.exitCode !== null, 30_000, 'the authorization server to listen');
  if (child.exitCode !== null) throw new Error(`the child exited:\n${output}`);
  return { child, base: `http://127.0.0.1:${port}`, output: () => output };
}

/**
 * Adversarial review of client ID metadata documents through the library path (oidc-provider's fetch, in a real
 * Node process): a client id naming an internal address, however spelled, must not make the server send it a
 * request. The internal service is reachable and trusted, so a request would be seen: it held for every spelling.
 */
describe.each([
  ['off', '0'],
  ['on', '1'],
])('@nestmcp/oauth under attack: CIMD client ids on internal addresses (development loopback option %s)', (_name, allowLoopback) => {
  let service: Awaited<ReturnType<typeof internalService>>;
  let server: Awaited<ReturnType<typeof startChild>>;

  beforeAll(async () => {
    service = await internalService();
    server = await startChild({ ALLOW_LOOPBACK: allowLoopback });
  }, 60_000);
  afterAll(async () => {
    server?.child.kill();
    await new Promise((resolve) => service.server.close(resolve));
  });

  const authorize = async (clientId: string) => {
    const response = await fetch(authorizationUrl(server.base, { clientId, redirectUri: REDIRECT, resource: `${server.base}/mcp`, scope: 'notes:read', challenge: pkcePair().challenge }), { redirect: 'manual' });
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  };

  it('(control: a Node process with the same environment does fetch the service, so only the guard stops the server)', async () => {
    const { stdout: control } = await promisify(execFile)(process.execPath, ['-e', `fetch('https://127.0.0.1:${service.port}/control.json').then((r) => r.json()).then((d) => console.log(d.client_name))`], {
      env: { ...process.env, NODE_OPTIONS: '', NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1' },
    });
    expect(control.trim()).toBe('internal');
    expect(service.requests).toEqual([`127.0.0.1:${service.port}/control.json`]);
    service.requests.length = 0;
    expect(server.output()).not.toContain('failed to setup SSRF protection');
  });

  it.each([
    ['127.0.0.1', (port: number) => `https://127.0.0.1:${port}/client.json`],
    ['localhost (a name resolving to loopback)', (port: number) => `https://localhost:${port}/client.json`],
    ['[::1]', (port: number) => `https://[::1]:${port}/client.json`],
    ['IPv4-mapped IPv6', (port: number) => `https://[::ffff:127.0.0.1]:${port}/client.json`],
    ['decimal IPv4', (port: number) => `https://2130706433:${port}/client.json`],
    ['hexadecimal IPv4', (port: number) => `https://0x7f000001:${port}/client.json`],
    ['short IPv4', (port: number) => `https://127.1:${port}/client.json`],
    ['0.0.0.0', (port: number) => `https://0.0.0.0:${port}/client.json`],
  ])('refuses %s without sending the service a request', async (_spelling, clientIdAt) => {
    const before = service.connections();
    const answer = await authorize(clientIdAt(service.port));
    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();
    expect(answer.html).toContain('invalid_client');
    expect(service.requests).toEqual([]);
    // The server did connect (oidc-provider's guard looks at the address a connection reached), then dropped it.
    expect(service.connections()).toBeGreaterThan(before);
  });

  it.each(['https://10.0.0.1/client.json', 'https://169.254.169.254/latest/meta-data/', 'https://[fd00::1]/client.json', 'http://169.254.169.254/client.json', 'http://[::ffff:127.0.0.1]:1/client.json'])(
    'refuses %s',
    async (clientId) => {
      const answer = await authorize(clientId);
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.html).toContain('invalid_client');
    },
  );
});

/**
 * Where oidc-provider cannot build its guard (here: Jest's VM context, which lacks the global it finds undici by;
 * a bundler can do the same), it only warns and fetched unguarded: a client id on 127.0.0.1 reached the service.
 * Now such a fetch is not sent at all.
 */
describe('@nestmcp/oauth under attack: CIMD where oidc-provider has no SSRF guard', () => {
  let service: Awaited<ReturnType<typeof internalService>>;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    service = await internalService();
    ({ app, base } = await startOAuthApp({ clientIdMetadataDocuments: {} }));
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => service.server.close(resolve));
  });

  it.each(['127.0.0.1', '[::1]', 'localhost'])('does not even connect to an https client id on %s', async (host) => {
    const clientId = `https://${host}:${service.port}/client.json`;
    const response = await fetch(authorizationUrl(base, { clientId, redirectUri: REDIRECT, resource: `${base}/mcp`, scope: 'notes:read', challenge: pkcePair().challenge }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_client');
    expect(service.connections()).toBe(0);
    expect(service.requests).toEqual([]);
  });
});

/** The development loopback path (this module's own fetch): a document that never finishes is given up on. */
describe('@nestmcp/oauth under attack: a slow loopback metadata document (development option on)', () => {
  let app: INestApplication;
  let base: string;
  let slow: import('node:http').Server;
  let documentBase: string;

  beforeAll(async () => {
    ({ app, base } = await startOAuthApp());
    const { createServer: createHttpServer } = await import('node:http');
    // Headers at once, then a body that trickles and never ends.
    slow = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"client_id":');
      const timer = setInterval(() => response.write(' '), 200);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    documentBase = `http://127.0.0.1:${(slow.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('refuses the client (invalid_client) instead of waiting for it', async () => {
    const clientId = `${documentBase}/slow.json`;
    const response = await fetch(authorizationUrl(base, { clientId, redirectUri: 'http://127.0.0.1:33418/callback', resource: `${base}/mcp`, scope: 'notes:read', challenge: pkcePair().challenge }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('invalid_client');
  });
});
