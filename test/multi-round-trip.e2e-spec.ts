import type { INestApplication } from '@nestjs/common';
import { Client as ClientV2, StreamableHTTPClientTransport as StreamableHTTPClientTransportV2 } from '@modelcontextprotocol/client';
import { McpModule } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { DualEraTools } from './fixtures/dual-era/dual-era.tools.js';

const MODERN = '2026-07-28';
 
type Rpc = { result?: any; error?: any };

function call(url: URL, params: Record<string, unknown>, options: { token?: string; capabilities?: Record<string, unknown> } = {}): Promise<Rpc> {
  return callRaw(url, params, options).then((response) => response.json() as Promise<Rpc>);
}

function callRaw(url: URL, params: Record<string, unknown>, options: { token?: string; capabilities?: Record<string, unknown> } = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': 'tools/call',
      'mcp-name': String(params.name),
      ...(options.token && { authorization: `Bearer ${options.token}` }),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? { elicitation: { form: {} } },
        },
      },
    }),
  });
}

const accept = (content: Record<string, unknown>) => ({ action: 'accept', content });

describe('elicit() in both eras (multi-round-trip requests on 2026-07-28)', () => {
  let app: INestApplication;
  let url: URL;

  beforeAll(async () => {
    const started = await startApp({
      imports: [McpModule.forRoot({ name: 'mrtr', version: '1.0.0', modern: { requestStateTtlMs: 2_000 } })],
      providers: [DualEraTools],
    });
    app = started.app;
    url = started.url('/mcp');
  });
  afterAll(() => app.close());

  it('2026-07-28: the SDK v2 client answers input_required and the tool resumes with the answers', async () => {
    const client = new ClientV2({ name: 'modern', version: '1' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } });
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(String(request.params.message));
      const content: Record<string, string | boolean> = asked.length === 1 ? { confirm: true } : { reason: 'old' };
      return { action: 'accept' as const, content };
    });
    await client.connect(new StreamableHTTPClientTransportV2(url));
    const result = await client.callTool({ name: 'remove', arguments: { item: 'notes' } });
    expect(result.content).toEqual([{ type: 'text', text: 'deleted notes because old' }]);
    expect(asked).toEqual(['Delete notes?', 'Really delete notes?']);
    await client.close();
  });

  it('2025-11-25: the same tool asks through a server-to-client request', async () => {
    const client = await createMcpClient(app, { capabilities: { elicitation: {} } });
    const { ElicitRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    let round = 0;
    client.setRequestHandler(ElicitRequestSchema, async () => (++round === 1 ? { action: 'accept', content: { confirm: true } } : { action: 'accept', content: { reason: 'dup' } }));
    const result = await client.callTool({ name: 'remove', arguments: { item: 'x' } });
    expect(result.content).toEqual([{ type: 'text', text: 'deleted x because dup' }]);
    await client.close();
  });

  it('returns input_required with a signed requestState, and refuses a replayed, forged, other-user or other-request state', async () => {
    const first = await call(url, { name: 'remove', arguments: { item: 'a' } }, { token: 'alice' });
    expect(first.result.resultType).toBe('input_required');
    expect(first.result.inputRequests['elicit-0']).toMatchObject({ method: 'elicitation/create', params: { message: 'Delete a?' } });
    const state = first.result.requestState as string;
    const answers = { 'elicit-0': accept({ confirm: true }) };

    const otherUser = await call(url, { name: 'remove', arguments: { item: 'a' }, inputResponses: answers, requestState: state }, { token: 'mallory' });
    expect(otherUser.error).toMatchObject({ code: -32602 });
    expect(otherUser.error.message).toContain('another caller');

    const otherRequest = await call(url, { name: 'remove', arguments: { item: 'b' }, inputResponses: answers, requestState: state }, { token: 'alice' });
    expect(otherRequest.error.message).toContain('another request');

    const [body, mac] = state.slice(3).split('.');
    const tampered = JSON.parse(Buffer.from(body, 'base64url').toString());
    tampered.exp += 3_600_000;
    const forged = `v1.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${mac}`;
    const forgedAnswer = await call(url, { name: 'remove', arguments: { item: 'a' }, inputResponses: answers, requestState: forged }, { token: 'alice' });
    expect(forgedAnswer.error.message).toContain('signature');

    const second = await call(url, { name: 'remove', arguments: { item: 'a' }, inputResponses: answers, requestState: state }, { token: 'alice' });
    expect(second.result.resultType).toBe('input_required');
    expect(second.result.inputRequests['elicit-1'].params.message).toBe('Really delete a?');

    const replayed = await call(url, { name: 'remove', arguments: { item: 'a' }, inputResponses: answers, requestState: state }, { token: 'alice' });
    expect(replayed.error.message).toContain('already used');

    const done = await call(
      url,
      { name: 'remove', arguments: { item: 'a' }, inputResponses: { 'elicit-1': accept({ reason: 'done' }) }, requestState: second.result.requestState },
      { token: 'alice' },
    );
    expect(done.result.content).toEqual([{ type: 'text', text: 'deleted a because done' }]);
  });

  it('refuses an expired requestState', async () => {
    const first = await call(url, { name: 'remove', arguments: { item: 'late' } });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const late = await call(url, { name: 'remove', arguments: { item: 'late' }, inputResponses: { 'elicit-0': accept({ confirm: true }) }, requestState: first.result.requestState });
    expect(late.error.message).toContain('expired');
  });

  it('asks only for inputs the client declared: otherwise -32021 with the missing capability, HTTP 400', async () => {
    const response = await callRaw(url, { name: 'remove', arguments: { item: 'a' } }, { capabilities: {} });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Rpc;
    expect(body.error.code).toBe(-32021);
    expect(body.error.data.requiredCapabilities).toMatchObject({ elicitation: {} });
  });
});
