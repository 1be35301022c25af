import type { INestApplication } from '@nestjs/common';
import { createMcpClient } from '@nestmcp/core/testing';
import { AppModule } from '../sample/src/app.module.js';
import { NOTES_WRITE_KEY } from '../sample/src/notes/notes-writer.guard.js';
import { setupSwagger } from '../sample/src/swagger.js';
import { startApp } from './fixtures/app.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, any>; isError?: boolean };

/** Issue 17, point 4: the sample's REST notes API, documented with Swagger, and its routes as tools of the open server. */
describe('sample: the notes REST API as tools', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;

  beforeAll(async () => {
    ({ app, url } = await startApp({ imports: [AppModule] }, setupSwagger));
  });
  afterAll(() => app.close());

  it('serves the REST API, its OpenAPI document and Swagger UI as usual', async () => {
    const notes = (await (await fetch(url('/api/notes'))).json()) as { title: string }[];
    expect(notes.map((note) => note.title)).toEqual(expect.arrayContaining(['Welcome', 'Groceries']));
    const document = (await (await fetch(url('/api/docs-json'))).json()) as { paths: Record<string, any> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/notes', '/api/notes/{id}']));
    expect(document.paths['/api/notes'].post.summary).toBe('Create a note');
    const ui = await fetch(url('/api/docs'));
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('lists rest_list_notes, rest_get_note and rest_create_note with the schemas of the Swagger metadata and DTOs', async () => {
    const client = await createMcpClient(app);
    const tools = Object.fromEntries((await client.listTools()).tools.map((tool) => [tool.name, tool]));
    expect(tools.rest_list_notes).toMatchObject({
      description: 'List notes\n\nEvery note, or those with the given tag.',
      inputSchema: { type: 'object', properties: { tag: { type: 'string', description: 'Only notes with this tag' } } },
      outputSchema: { type: 'object', properties: { result: { type: 'array', items: { $ref: '#/$defs/NoteDto' } } } },
    });
    expect(tools.rest_get_note.inputSchema).toMatchObject({ properties: { id: { type: 'string' } }, required: ['id'] });
    expect(tools.rest_create_note.inputSchema).toMatchObject({
      properties: {
        title: { type: 'string', maxLength: 200, description: 'Title of the note' },
        body: { type: 'string', description: 'Text of the note' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['title', 'body'],
    });
    expect(tools.rest_create_note.outputSchema).toMatchObject({ properties: { id: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } } });
    await client.close();
  });

  it('answers a tool call with what the REST endpoint answers; a missing note is a tool error', async () => {
    const client = await createMcpClient(app);
    const rest = await (await fetch(url('/api/notes/1'))).json();
    const tool = (await client.callTool({ name: 'rest_get_note', arguments: { id: '1' } })) as ToolResult;
    expect(tool.structuredContent).toEqual(rest);
    const missing = (await client.callTool({ name: 'rest_get_note', arguments: { id: '999' } })) as ToolResult;
    expect(missing).toMatchObject({ isError: true, content: [{ text: 'Note 999 does not exist' }] });
    await client.close();
  });

  it("applies the create route's guard to the tool call as to the REST call, with the caller's Authorization", async () => {
    const refusal = 'Creating notes needs "Authorization: Bearer <NOTES_WRITE_KEY>".';
    const rest = await fetch(url('/api/notes'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x', body: 'y' }) });
    expect(rest.status).toBe(401);
    const anonymous = await createMcpClient(app);
    expect(await anonymous.callTool({ name: 'rest_create_note', arguments: { title: 'x', body: 'y' } })).toMatchObject({ isError: true, content: [{ text: refusal }] });
    await anonymous.close();

    const writer = await createMcpClient(app, { headers: { authorization: `Bearer ${NOTES_WRITE_KEY}` } });
    const invalid = (await writer.callTool({ name: 'rest_create_note', arguments: { title: '', body: 'y' } })) as ToolResult;
    expect(invalid).toMatchObject({ isError: true, content: [{ text: 'title should not be empty' }] });
    const created = (await writer.callTool({ name: 'rest_create_note', arguments: { title: 'From a tool', body: 'via REST', tags: ['mcp'] } })) as ToolResult;
    expect(created.isError).toBeFalsy();
    expect(created.structuredContent).toMatchObject({ title: 'From a tool', body: 'via REST', tags: ['mcp'] });
    expect(await (await fetch(url(`/api/notes/${created.structuredContent!.id}`))).json()).toEqual(created.structuredContent);
    await writer.close();
  });
});
