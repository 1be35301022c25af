import 'reflect-metadata';
import { z } from 'zod';
import { McpRegistry } from './mcp-registry.js';

const handler = async () => 'ok';

describe('McpRegistry', () => {
  let registry: McpRegistry;
  beforeEach(() => {
    registry = new McpRegistry({ name: 'test', version: '1' });
  });

  it('registers tools with their definitions computed once and caches the list until it changes', () => {
    registry.registerTool({ name: 'a', description: 'A', input: { x: z.number() } }, handler, 'T.a');
    const first = registry.listTools();
    expect(first).toEqual({
      tools: [{ name: 'a', description: 'A', inputSchema: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } }],
    });
    expect(registry.listTools().tools).toBe(first.tools);
    registry.registerTool({ name: 'b' }, handler);
    expect(registry.listTools().tools).not.toBe(first.tools);
    expect(registry.listTools().tools.map((t) => t.name)).toEqual(['a', 'b']);
  });

  it('refuses duplicate names, naming both sources', () => {
    registry.registerTool({ name: 'a' }, handler, 'First.a');
    expect(() => registry.registerTool({ name: 'a' }, handler, 'Second.b')).toThrow(
      'MCP server "test" has two tools named "a": First.a and Second.b.',
    );
    registry.registerPrompt({ name: 'p' }, handler, 'P.one');
    expect(() => registry.registerPrompt({ name: 'p' }, handler, 'P.two')).toThrow(/two prompts named "p": P.one and P.two/);
    registry.registerResource({ name: 'r', uri: 'x://1' }, handler, 'R.one');
    expect(() => registry.registerResource({ name: 'r2', uri: 'x://1' }, handler, 'R.two')).toThrow(/two resources for "x:\/\/1"/);
  });

  it('finds fixed resources first, then the first matching template with its variables', () => {
    registry.registerResource({ name: 'fixed', uri: 'notes://index' }, handler);
    registry.registerResource({ name: 'note', uriTemplate: 'notes://{id}' }, handler);
    registry.registerResource({ name: 'file', uriTemplate: 'files://{dir}/{name}' }, handler);
    expect(registry.findResource('notes://index')?.entry.definition.name).toBe('fixed');
    expect(registry.findResource('notes://42')).toMatchObject({ entry: { uriTemplate: 'notes://{id}' }, variables: { id: '42' } });
    expect(registry.findResource('files://docs/readme.md')?.variables).toEqual({ dir: 'docs', name: 'readme.md' });
    expect(registry.findResource('other://x')).toBeUndefined();
  });

  it('needs exactly one of uri and uriTemplate', () => {
    expect(() => registry.registerResource({ name: 'r' }, handler, 'R.r')).toThrow(/needs either "uri"/);
    expect(() => registry.registerResource({ name: 'r', uri: 'a://b', uriTemplate: 'a://{b}' }, handler, 'R.r')).toThrow(/sets both/);
  });

  it('derives prompt arguments from a schema', () => {
    registry.registerPrompt({ name: 'p', args: z.object({ topic: z.string().describe('The topic'), depth: z.string().optional() }) }, handler);
    expect(registry.listPrompts().prompts[0].arguments).toEqual([
      { name: 'topic', description: 'The topic', required: true },
      { name: 'depth', required: false },
    ]);
  });

  it('tells listeners about list changes and resource updates, and removes entries', () => {
    const changes: string[] = [];
    const updates: string[] = [];
    const stop = registry.onListChanged((kind) => changes.push(kind));
    registry.onResourceUpdated((uri) => updates.push(uri));
    registry.registerTool({ name: 't' }, handler);
    registry.registerResource({ name: 'r', uri: 'a://b' }, handler);
    registry.registerPrompt({ name: 'p' }, handler);
    expect(registry.removeTool('t')).toBe(true);
    expect(registry.removeTool('t')).toBe(false);
    expect(registry.removeResource('a://b')).toBe(true);
    expect(registry.removePrompt('p')).toBe(true);
    registry.notifyResourceUpdated('a://b');
    stop();
    registry.registerTool({ name: 'u' }, handler);
    expect(changes).toEqual(['tools', 'resources', 'prompts', 'tools', 'resources', 'prompts']);
    expect(updates).toEqual(['a://b']);
    expect(registry.listTools().tools.map((t) => t.name)).toEqual(['u']);
  });
});
