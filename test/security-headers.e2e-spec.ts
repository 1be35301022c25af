import type { INestApplication } from '@nestjs/common';
import { McpModule } from '@nestmcp/core';
import { startApp } from './fixtures/app.js';
import { ContextTools } from './fixtures/context.tools.js';
import { MCP_POST_HEADERS, messagesOf, openSession, rawRequest } from './fixtures/raw-http.js';

/**
 * Issue 11 point 9: getHttpHeaders() leaves out credentials and hop-by-hop headers by default: `cookie`, every
 * header the request's `Connection` names, and the fixed hop-by-hop set, as it does `authorization`.
 */
describe('getHttpHeaders() keeps credentials and hop-by-hop headers in', () => {
  let app: INestApplication;
  let port: number;
  let session: string;
  beforeAll(async () => {
    let url: (path?: string) => URL;
    ({ app, url } = await startApp({ imports: [McpModule.forRoot({ name: 'headers', version: '1.0.0' })], providers: [ContextTools] }));
    port = Number(url().port);
    session = await openSession(port);
  });
  afterAll(() => app.close());

  async function headersSeen(headers: Record<string, string>, args: Record<string, unknown> = {}): Promise<Record<string, string>> {
    const response = await rawRequest(port, {
      headers: { ...MCP_POST_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25', ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'headers', arguments: args } }),
    });
    expect(response.status).toBe(200);
    return JSON.parse(messagesOf(response)[0].result.content[0].text);
  }

  const sent = {
    cookie: 'session=s3cret',
    connection: 'keep-alive, X-Upstream-Token, x-hop',
    'x-upstream-token': 'u-s3cret',
    'x-hop': 'h',
    'x-tenant': 't1',
    'proxy-authorization': 'Basic cA==',
    te: 'trailers',
    trailer: 'x-checksum',
    'keep-alive': 'timeout=5',
  };

  it('leaves out cookie, the headers named in Connection, and the hop-by-hop ones', async () => {
    const seen = await headersSeen(sent);
    expect(seen['x-tenant']).toBe('t1');
    for (const name of ['cookie', 'connection', 'x-upstream-token', 'x-hop', 'proxy-authorization', 'te', 'trailer', 'keep-alive']) {
      expect(seen).not.toHaveProperty(name);
    }
  });

  it('gives them when asked by name, or with all', async () => {
    const included = await headersSeen(sent, { include: ['Cookie', 'X-Upstream-Token'] });
    expect(included).toMatchObject({ cookie: 'session=s3cret', 'x-upstream-token': 'u-s3cret' });
    const all = await headersSeen(sent, { all: true });
    expect(all).toMatchObject({ cookie: 'session=s3cret', 'x-hop': 'h', connection: 'keep-alive, X-Upstream-Token, x-hop' });
  });
});
