import type { INestApplication } from '@nestjs/common';
import { createMcpClient } from '@nestmcp/core/testing';
import { AppModule } from '../sample/src/app.module.js';
import { startApp } from './fixtures/app.js';

describe('sample smoke', () => {
  let app: INestApplication;
  beforeAll(async () => {
    ({ app } = await startApp({ imports: [AppModule] }));
  });
  afterAll(() => app.close());

  it('lists and calls tools', async () => {
    const client = await createMcpClient(app);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['create_note', 'note_stats', 'reindex_notes', 'rest_create_note', 'rest_get_note', 'rest_list_notes', 'search_notes']);
    const result = await client.callTool({ name: 'search_notes', arguments: { query: 'milk' } });
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify([{ id: '2', title: 'Groceries' }]) }]);
    await client.close();
  });
});
