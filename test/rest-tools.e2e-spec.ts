import type { INestApplication } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Client as ClientV2, StreamableHTTPClientTransport as StreamableHTTPClientTransportV2 } from '@modelcontextprotocol/client';
import { createMcpClient } from '@nestmcp/core/testing';
import { startRestToolsApp, type Adapter } from './fixtures/rest-tools/rest-tools.app.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, any>; isError?: boolean };

describe.each<Adapter>(['express', 'fastify'])('REST routes as tools (%s)', (adapter) => {
  let app: INestApplication;
  let base: string;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>, on: Client = client) =>
    (await on.callTool({ name, arguments: args })) as unknown as ToolResult;

  beforeAll(async () => {
    ({ app, base } = await startRestToolsApp(adapter));
    client = await createMcpClient(app, { headers: { authorization: 'Bearer writer', 'x-tenant': 'acme', 'x-secret': 'do-not-forward' } });
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it('lists the opted-in routes with the schemas their DTOs and Swagger metadata imply, and no other route', async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName).sort()).toEqual(['items_rest_all', 'items_rest_big', 'items_rest_slow', 'rest_count_notes', 'rest_create_note', 'rest_echo', 'rest_get_note', 'rest_list_notes']);
    expect(byName.rest_list_notes.description).toBe('List notes\n\nNotes whose title contains `q`, if given.');
    expect(byName.rest_list_notes.inputSchema).toEqual({ type: 'object', properties: { q: { type: 'string' } } });
    expect(byName.rest_list_notes.outputSchema).toMatchObject({
      type: 'object',
      properties: { result: { type: 'array', items: { $ref: '#/$defs/RestNoteDto' } } },
      required: ['result'],
    });
    expect(byName.rest_list_notes.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.rest_get_note.inputSchema).toMatchObject({ type: 'object', properties: { id: { type: 'number' } }, required: ['id'] });
    const create = byName.rest_create_note;
    expect(create.inputSchema.required).toEqual(['title']);
    expect(create.inputSchema.properties).toMatchObject({
      title: { type: 'string', minLength: 1, maxLength: 40, description: 'Title of the note', examples: ['Groceries'] },
      body: { type: 'string', description: 'Text of the note' },
    });
    expect(create.outputSchema).toMatchObject({ type: 'object', properties: { id: { type: 'number', description: 'Id of the note' }, title: { type: 'string' } }, required: ['id', 'title'] });
    expect(create.annotations).toMatchObject({ readOnlyHint: false });
    expect(byName.items_rest_all.description).toBe('GET /api/v2/items');
  });

  it('returns what the REST endpoint returns, as structured content', async () => {
    const rest = await (await fetch(`${base}/api/notes/1`)).json();
    const tool = await call('rest_get_note', { id: 1 });
    expect(tool.isError).toBeFalsy();
    expect(tool.structuredContent).toEqual(rest);
    expect(JSON.parse(tool.content[0].text)).toEqual(rest);
    const list = await call('rest_list_notes', { q: 'Fir' });
    expect(list.structuredContent).toEqual({ result: [rest] });
    expect((await call('items_rest_all', {})).structuredContent).toEqual(await (await fetch(`${base}/api/v2/items`)).json());
  });

  it('keeps the route of a method whose @McpTool() was applied before @Get() a plain REST route', async () => {
    const response = await fetch(`${base}/api/notes/count/all`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    const rest = await response.json();
    expect((await call('rest_count_notes', {})).structuredContent).toEqual(rest);
  });

  it('runs the global ValidationPipe, route pipes and the catch-all filter: their refusals are tool errors with the message', async () => {
    const invalid = await call('rest_create_note', { title: '' });
    expect(invalid.isError).toBe(true);
    expect(invalid.content[0].text).toBe('title must be longer than or equal to 1 characters');
    const undeclared = await call('rest_create_note', { title: 'ok', role: 'admin' });
    expect(undeclared).toMatchObject({ isError: true, content: [{ text: 'property role should not exist' }] });
    const notNumber = await call('rest_get_note', { id: 'abc' });
    expect(notNumber).toMatchObject({ isError: true, content: [{ text: 'Validation failed (numeric string is expected)' }] });
    const missing = await call('rest_get_note', { id: 999 });
    expect(missing).toMatchObject({ isError: true, content: [{ text: 'Note 999 not found' }] });
  });

  it("passes the caller's Authorization to the route's guard, for the tool call as for REST", async () => {
    const anonymous = await createMcpClient(app);
    const refused = await call('rest_create_note', { title: 'Nope' }, anonymous);
    expect(refused).toMatchObject({ isError: true, content: [{ text: 'Only writers may create notes' }] });
    expect((await fetch(`${base}/api/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"Nope"}' })).status).toBe(403);
    await anonymous.close();
    const created = await call('rest_create_note', { title: 'Written', body: 'by a tool' });
    expect(created.isError).toBeFalsy();
    expect(created.structuredContent).toMatchObject({ title: 'Written', body: 'by a tool' });
    const again = await (await fetch(`${base}/api/notes/${created.structuredContent!.id}`)).json();
    expect(again).toEqual(created.structuredContent);
  });

  it("runs the app's global guard on the in-process request", async () => {
    // The global guard refuses REST requests of tenant "blocked"; the forwarded x-tenant makes the tool's request one.
    const blocked = await createMcpClient(app, { headers: { 'x-tenant': 'blocked' } });
    expect(await call('rest_get_note', { id: 1 }, blocked)).toMatchObject({ isError: true, content: [{ text: 'Forbidden resource' }] });
    expect((await fetch(`${base}/api/notes/1`, { headers: { 'x-tenant': 'blocked' } })).status).toBe(403);
    await blocked.close();
  });

  it('forwards only the configured headers, and the caller address, and sends no internal header', async () => {
    const echo = await call('rest_echo', { value: 'v', tag: 't' });
    const headers = echo.structuredContent!.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer writer');
    expect(headers['x-tenant']).toBe('acme');
    expect(headers['x-secret']).toBeUndefined();
    expect(headers['mcp-session-id']).toBeUndefined();
    expect(headers['mcp-protocol-version']).toBeUndefined();
    expect(Object.keys(headers).sort()).toEqual(['accept', 'authorization', 'connection', 'host', 'x-tenant']);
    expect(echo.structuredContent!.ip).toMatch(/127\.0\.0\.1/);
    // The tool result carries the body only: none of the response's headers.
    expect(JSON.stringify(echo)).not.toMatch(/x-powered-by|etag/i);
  });

  it('keeps path arguments inside their segment and query arguments inside their value', async () => {
    for (const value of ['../admin/secret', '..%2Fadmin%2Fsecret', 'a/b?c=d#e', '%2e%2e']) {
      const echo = await call('rest_echo', { value, tag: 'x&tag=y' });
      expect(echo.isError).toBeFalsy();
      expect(echo.structuredContent).toMatchObject({ value, tag: 'x&tag=y' });
    }
    for (const value of ['..', '.', '']) {
      const refused = await call('rest_echo', { value });
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toContain('"value"');
    }
    expect((await call('rest_echo', { value: { nested: true } })).isError).toBe(true);
  });

  it('caps the response size and the time of a call', async () => {
    const big = await call('items_rest_big', {});
    expect(big).toMatchObject({ isError: true, content: [{ text: "The REST call's response is larger than 16384 bytes and was abandoned." }] });
    const slow = await call('items_rest_slow', {});
    expect(slow).toMatchObject({ isError: true, content: [{ text: 'The REST call took longer than 1000 ms and was abandoned.' }] });
    // The app still serves the next call.
    expect((await call('rest_get_note', { id: 1 })).isError).toBeFalsy();
  });

  it('serves the same tools on the 2026-07-28 path', async () => {
    const modern = new ClientV2({ name: 'modern-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await modern.connect(new StreamableHTTPClientTransportV2(new URL('/mcp', base), { requestInit: { headers: { authorization: 'Bearer writer' } } }));
    const names = (await modern.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('rest_create_note');
    const created = (await modern.callTool({ name: 'rest_create_note', arguments: { title: 'Modern' } })) as unknown as ToolResult;
    expect(created.structuredContent).toMatchObject({ title: 'Modern' });
    const missing = (await modern.callTool({ name: 'rest_get_note', arguments: { id: 12345 } })) as unknown as ToolResult;
    expect(missing).toMatchObject({ isError: true, content: [{ text: 'Note 12345 not found' }] });
    await modern.close();
  });
});
