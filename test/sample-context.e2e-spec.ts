import type { INestApplication } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpClient } from '@nestmcp/core/testing';
import { AppModule } from '../sample/src/app.module.js';
import { startApp } from './fixtures/app.js';

const text = (result: Record<string, unknown>) => (result.content as { text: string }[])[0]?.text;

describe('sample: progress, logging, guard and legacy SSE', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  beforeAll(async () => {
    ({ app, url } = await startApp({ imports: [AppModule] }));
  });
  afterAll(() => app.close());

  it('reports progress and logs while re-indexing', async () => {
    const client = await createMcpClient(app);
    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(String(n.params.data)));
    const progress: number[] = [];
    const result = await client.callTool({ name: 'reindex_notes', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(text(result)).toMatch(/^Re-indexed \d+ notes$/);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual(progress.map((_, index) => index + 1));
    expect(logs.filter((line) => line.startsWith('indexed note'))).toHaveLength(progress.length);
    await client.close();
  });

  it('serves the same notes over the legacy SSE transport', async () => {
    const client = new Client({ name: 'sample-sse', version: '1.0.0' });
    await client.connect(new SSEClientTransport(url('/sse')));
    const result = await client.callTool({ name: 'search_notes', arguments: { query: 'milk' } });
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify([{ id: '2', title: 'Groceries' }]) }]);
    await client.close();
  });

  describe('read-only mode', () => {
    let readOnly: INestApplication;
    beforeAll(async () => {
      process.env.NOTES_READ_ONLY = 'true';
      ({ app: readOnly } = await startApp({ imports: [AppModule] }));
    });
    afterAll(async () => {
      delete process.env.NOTES_READ_ONLY;
      await readOnly.close();
    });

    it('the guard denies create_note with a clear tool error, reads still work', async () => {
      const client = await createMcpClient(readOnly);
      const denied = await client.callTool({ name: 'create_note', arguments: { title: 'x', body: 'y' } });
      expect(denied).toEqual({ content: [{ type: 'text', text: 'The notes service is read-only; "create_note" is disabled.' }], isError: true });
      expect((await client.callTool({ name: 'search_notes', arguments: { query: 'milk' } })).isError).toBeUndefined();
      await client.close();
    });
  });
});
