import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { createMcpTestClient, type McpTestClient } from '@nestmcp/core/testing';
import { NotesModule } from './notes.module.js';
import { NotesService } from './notes.service.js';

// Unit-style: the notes tools in memory (no port), through the same pipeline as HTTP (validation, guards, pipes).
// NotesModule brings the open server it serves (notes/open-server.ts).
describe('notes tools (in memory)', () => {
  let moduleRef: TestingModule;
  let mcp: McpTestClient;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [NotesModule],
    }).compile();
    await moduleRef.init();
    mcp = await createMcpTestClient(moduleRef);
  });
  afterEach(async () => {
    await mcp.close();
    await moduleRef.close();
  });

  it('searches notes', async () => {
    expect(JSON.parse(await mcp.callTool<string>('search_notes', { query: 'milk' }))).toEqual([{ id: '2', title: 'Groceries' }]);
  });

  it('creates a note, validated by its DTO', async () => {
    expect(await mcp.callTool('create_note', { title: 'Plan', body: 'Write tests', tags: ['work'] })).toMatch(/^Created note \d+: Plan$/);
    await expect(mcp.callTool('create_note', { body: 'no title' })).rejects.toThrow(/title/);
  });

  it('returns structured statistics', async () => {
    expect(await mcp.callTool('note_stats')).toMatchObject({ count: expect.any(Number), tags: expect.any(Object) });
  });

  it('reads a note as a resource and completes its id', async () => {
    const { contents } = await mcp.readResource('notes://1');
    expect(contents[0]).toMatchObject({ uri: 'notes://1', mimeType: 'text/markdown' });
    expect((await mcp.complete({ type: 'ref/resource', uri: 'notes://{id}' }, { name: 'id', value: '' })).values).toContain('1');
  });

  it('runs the tool on an overridden service', async () => {
    await mcp.close();
    await moduleRef.close();
    moduleRef = await Test.createTestingModule({ imports: [NotesModule] })
      .overrideProvider(NotesService)
      .useValue({ search: () => [{ id: '42', title: 'Stubbed', body: '', tags: [] }], all: () => [], ids: () => [] })
      .compile();
    await moduleRef.init();
    mcp = await createMcpTestClient(moduleRef);
    expect(JSON.parse(await mcp.callTool<string>('search_notes', { query: 'x' }))).toEqual([{ id: '42', title: 'Stubbed' }]);
  });
});
