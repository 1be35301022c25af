import type { INestApplication } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { foundationModule } from './fixtures/foundation/foundation.module.js';

describe('resources, templates, prompts and completion', () => {
  let app: INestApplication;
  let client: Client;

  beforeAll(async () => {
    ({ app } = await startApp({ imports: [foundationModule()] }));
    client = await createMcpClient(app);
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('lists fixed resources and templates', async () => {
    expect((await client.listResources()).resources).toEqual([
      { uri: 'info://about', name: 'about', description: 'About this catalog', mimeType: 'text/plain' },
      { uri: 'info://logo', name: 'logo', mimeType: 'image/png' },
    ]);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([
      { uriTemplate: 'items://{id}', name: 'item', mimeType: 'application/json' },
    ]);
  });

  it('reads a text resource and a binary one', async () => {
    expect(await client.readResource({ uri: 'info://about' })).toEqual({
      contents: [{ uri: 'info://about', mimeType: 'text/plain', text: 'A catalog of fruit' }],
    });
    expect((await client.readResource({ uri: 'info://logo' })).contents).toEqual([
      { uri: 'info://logo', mimeType: 'image/png', blob: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64') },
    ]);
  });

  it('matches a template and passes its variables to the method', async () => {
    expect((await client.readResource({ uri: 'items://banana' })).contents).toEqual([
      { uri: 'items://banana', mimeType: 'application/json', text: '{"id":"banana","description":"A yellow fruit"}' },
    ]);
  });

  it('answers an unknown resource with -32002', async () => {
    await expect(client.readResource({ uri: 'nothing://here' })).rejects.toMatchObject({ code: -32002 });
    await expect(client.readResource({ uri: 'items://cherry' })).rejects.toMatchObject({ code: -32002, message: expect.stringContaining('No item cherry') });
  });

  it('lists prompts with their arguments', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts).toEqual([
      {
        name: 'greet',
        description: 'Greet someone',
        arguments: [
          { name: 'name', description: 'Who to greet', required: true },
          { name: 'style', required: false },
        ],
      },
      { name: 'compare', description: 'Compare two items', arguments: [{ name: 'left', required: true }, { name: 'right', required: true }] },
    ]);
  });

  it('gets prompts, validating their arguments', async () => {
    expect(await client.getPrompt({ name: 'greet', arguments: { name: 'Ada', style: 'formal' } })).toEqual({
      description: 'Greet someone',
      messages: [{ role: 'user', content: { type: 'text', text: 'Good day, Ada.' } }],
    });
    expect((await client.getPrompt({ name: 'compare', arguments: { left: 'a', right: 'b' } })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Compare a' } },
      { role: 'user', content: { type: 'text', text: 'and b' } },
    ]);
    await expect(client.getPrompt({ name: 'greet', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Missing required argument "name"'),
    });
    await expect(client.getPrompt({ name: 'greet', arguments: { name: 'Ada', style: 'rude' } })).rejects.toMatchObject({ code: -32602 });
    await expect(client.getPrompt({ name: 'nope' })).rejects.toMatchObject({ code: -32602 });
  });

  it('completes template variables (through a provider method) and prompt arguments', async () => {
    const item = await client.complete({ ref: { type: 'ref/resource', uri: 'items://{id}' }, argument: { name: 'id', value: 'ap' } });
    expect(item.completion).toEqual({ values: ['apple', 'apricot'], total: 2, hasMore: false });
    const style = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'style', value: 'c' } });
    expect(style.completion.values).toEqual(['casual']);
    const none = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'name', value: 'x' } });
    expect(none.completion).toEqual({ values: [], hasMore: false });
  });
});
