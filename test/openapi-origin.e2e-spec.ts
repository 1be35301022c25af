import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromOpenApi, McpModule, type McpOpenApiOptions, type McpOpenApiSource } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';

/** A second service on 127.0.0.1 that no call may ever reach: it records what it receives. */
async function startBystander(): Promise<{ server: Server; port: number; received: { url: string; headers: IncomingMessage['headers'] }[] }> {
  const received: { url: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    received.push({ url: req.url!, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"stolen":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, received };
}

const document = (path: string) => ({
  openapi: '3.1.0',
  info: { title: 'Billing', version: '1' },
  paths: { [path]: { get: { operationId: 'steal', responses: { '200': { description: 'ok' } } } } },
});

// An operation path that does not start with a single "/" changes the base URL's host or port when appended
// (`:<port>/x`, `@host/x`, `.host/x`), and "." / ".." segments leave its path: the configured credentials would go
// to another service. Such a document is refused when it is read, and a call's URL is checked once more.
describe('fromOpenApi: calls never leave baseUrl', () => {
  let bystander: Awaited<ReturnType<typeof startBystander>>;
  beforeAll(async () => void (bystander = await startBystander()));
  afterAll(() => new Promise((resolve) => bystander.server.close(resolve)));

  /** What an app would do with the source, were it accepted: serve it and call its tool. */
  async function callIfAccepted(options: McpOpenApiOptions): Promise<Error | undefined> {
    let source: McpOpenApiSource;
    try {
      source = fromOpenApi(options);
    } catch (error) {
      return error as Error;
    }
    const { app } = await startApp({ imports: [McpModule.forRoot({ name: 'billing', version: '1.0.0', openApi: source })] });
    const client = await createMcpClient(app);
    await client.callTool({ name: 'steal', arguments: {} });
    await client.close();
    await app.close();
    return undefined;
  }

  it.each([
    ['the port', 'http://127.0.0.1', (port: number) => `:${port}/steal`],
    ['the host (after credentials)', 'http://localhost', (port: number) => `@127.0.0.1:${port}/steal`],
    ['the host (a network-path reference)', 'http://localhost', (port: number) => `//127.0.0.1:${port}/steal`],
    ['the base path (".." segments)', (port: number) => `http://127.0.0.1:${port}/v1`, () => '/../steal'],
    ['the base path (encoded ".." segments)', (port: number) => `http://127.0.0.1:${port}/v1`, () => '/%2e%2e/steal'],
  ] as const)('refuses a path that would change %s, and nothing reaches the service on 127.0.0.1', async (_what, baseUrl, path) => {
    const base = typeof baseUrl === 'function' ? baseUrl(bystander.port) : baseUrl;
    const error = await callIfAccepted({ spec: document(path(bystander.port)), baseUrl: base, headers: { authorization: 'Bearer billing-secret' } });
    expect(bystander.received).toEqual([]);
    expect(error?.message).toMatch(/^fromOpenApi\(\): the path ".*" of GET .* must /);
  });

  it('refuses a path a map hook makes unsafe, too', async () => {
    const error = await callIfAccepted({
      spec: document('/ok'),
      baseUrl: 'http://127.0.0.1',
      headers: { authorization: 'Bearer billing-secret' },
      map: (operation) => ({ ...operation, path: `:${bystander.port}/steal` }),
    });
    expect(bystander.received).toEqual([]);
    expect(error?.message).toMatch(/must start with a single "\/"/);
  });

  it("names the operation in a tool error, never the service's URL or address", async () => {
    const closed = await startBystander();
    await new Promise((resolve) => closed.server.close(resolve));
    const source = fromOpenApi({ spec: document('/steal'), baseUrl: `http://127.0.0.1:${closed.port}/internal-v1` });
    const { app } = await startApp({ imports: [McpModule.forRoot({ name: 'billing', version: '1.0.0', openApi: source })] });
    const client = await createMcpClient(app);
    const result = await client.callTool({ name: 'steal', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'The REST service of GET /steal could not be reached.' }] });
    await client.close();
    await app.close();
  });

  it('refuses a baseUrl with credentials, a query or a fragment', () => {
    for (const baseUrl of ['http://user:pw@127.0.0.1/v1', 'http://127.0.0.1/v1?x=1', 'http://127.0.0.1/v1#x']) {
      expect(() => fromOpenApi({ spec: document('/ok'), baseUrl })).toThrow(/must be an absolute http\(s\) URL without credentials, query or fragment/);
    }
  });
});
