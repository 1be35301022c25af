import type { INestApplication } from '@nestjs/common';
import { Client as ClientV2, StreamableHTTPClientTransport as StreamableHTTPClientTransportV2 } from '@modelcontextprotocol/client';
import { McpModule, type McpProtocolVersions } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { DualEraTools } from './fixtures/dual-era/dual-era.tools.js';

const MODERN = '2026-07-28';

async function start(protocolVersions: McpProtocolVersions) {
  const { app, url } = await startApp({ imports: [McpModule.forRoot({ name: 'modes', version: '1.0.0', protocolVersions })], providers: [DualEraTools] });
  return { app, url: url('/mcp') };
}

function autoClient(): ClientV2 {
  return new ClientV2({ name: 'dual-era', version: '1' }, { versionNegotiation: { mode: 'auto' } });
}

/** Reads SSE frames from a streaming response until `count` data frames arrived. */
async function readFrames(response: Response, count: number): Promise<Record<string, unknown>[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const frames: Record<string, unknown>[] = [];
  for (let i = 0; i < 100 && frames.length < count; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const parts = text.split('\n\n');
    text = parts.pop()!;
    for (const part of parts) {
      const data = part.split('\n').find((line) => line.startsWith('data: '));
      if (data) frames.push(JSON.parse(data.slice(6)));
    }
  }
  await reader.cancel();
  return frames;
}

describe('protocolVersions option', () => {
  describe("'both' (default): subscriptions/listen", () => {
    let app: INestApplication;
    let url: URL;
    beforeAll(async () => ({ app, url } = await start('both')));
    afterAll(() => app.close());

    it('acknowledges first, then sends only the notifications asked for', async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': 'subscriptions/listen' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 'sub-1',
          method: 'subscriptions/listen',
          params: {
            notifications: { toolsListChanged: true, resourceSubscriptions: ['notes://index'] },
            _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} },
          },
        }),
      });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const tools = app.get(DualEraTools);
      const frames = readFrames(response, 3);
      await new Promise((resolve) => setTimeout(resolve, 50));
      tools.registry.registerPrompt({ name: 'not-asked-for' }, async () => 'x');
      tools.registry.notifyResourceUpdated('notes://other');
      tools.registry.registerTool({ name: 'new-tool' }, async () => 'x');
      tools.registry.notifyResourceUpdated('notes://index');
      const received = await frames;
      expect(received.map((frame) => frame.method)).toEqual([
        'notifications/subscriptions/acknowledged',
        'notifications/tools/list_changed',
        'notifications/resources/updated',
      ]);
      expect(received[0].params).toMatchObject({ notifications: { toolsListChanged: true, resourceSubscriptions: ['notes://index'] }, _meta: { 'io.modelcontextprotocol/subscriptionId': 'sub-1' } });
      expect(received[2].params).toMatchObject({ uri: 'notes://index' });
    });

    it('the SDK v2 client listens for list changes', async () => {
      const client = autoClient();
      await client.connect(new StreamableHTTPClientTransportV2(url));
      const changed = new Promise<void>((resolve) => client.setNotificationHandler('notifications/tools/list_changed', () => resolve()));
      const subscription = await client.listen({ toolsListChanged: true });
      app.get(DualEraTools).registry.registerTool({ name: 'another-tool' }, async () => 'x');
      await changed;
      await subscription.close();
      await client.close();
    });
  });

  describe("'2026-07-28' only", () => {
    let app: INestApplication;
    let url: URL;
    beforeAll(async () => ({ app, url } = await start('2026-07-28')));
    afterAll(() => app.close());

    it('serves modern clients and answers GET and DELETE with 405', async () => {
      const client = autoClient();
      await client.connect(new StreamableHTTPClientTransportV2(url));
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
      expect((await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).content).toEqual([{ type: 'text', text: '2' }]);
      await client.close();
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(url, { method, headers: { accept: 'text/event-stream' } });
        expect(response.status).toBe(405);
      }
    });

    it('refuses initialize with the unsupported-version error naming 2026-07-28', async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'old', version: '1' } } }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: number; data: { supported: string[] } } };
      expect(body.error.code).toBe(-32022);
      expect(body.error.data.supported).toEqual([MODERN]);
    });
  });

  describe("'2025-11-25' only", () => {
    let app: INestApplication;
    let url: URL;
    beforeAll(async () => ({ app, url } = await start('2025-11-25')));
    afterAll(() => app.close());

    it('a dual-era client probes with server/discover and falls back to initialize', async () => {
      const client = autoClient();
      await client.connect(new StreamableHTTPClientTransportV2(url));
      expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      expect((await client.callTool({ name: 'add', arguments: { a: 2, b: 2 } })).content).toEqual([{ type: 'text', text: '4' }]);
      await client.close();
      const legacy = await createMcpClient(app);
      expect((await legacy.listTools()).tools.length).toBe(5);
      await legacy.close();
    });
  });
});
