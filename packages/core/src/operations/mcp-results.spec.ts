import { toCallToolResult, toGetPromptResult, toReadResourceResult, toolErrorResult } from './mcp-results.js';

describe('result mapping', () => {
  it('maps tool return values', () => {
    expect(toCallToolResult('hi', false)).toEqual({ content: [{ type: 'text', text: 'hi' }] });
    expect(toCallToolResult(undefined, false)).toEqual({ content: [] });
    expect(toCallToolResult({ a: 1 }, false)).toEqual({ content: [{ type: 'text', text: '{"a":1}' }] });
    expect(toCallToolResult({ a: 1 }, true)).toEqual({ content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { a: 1 } });
    const full = { content: [{ type: 'text' as const, text: 'x' }], isError: true };
    expect(toCallToolResult(full, true)).toBe(full);
    expect(toCallToolResult({ structuredContent: { b: 2 } }, true)).toEqual({ structuredContent: { b: 2 }, content: [{ type: 'text', text: '{"b":2}' }] });
    expect(toolErrorResult('bad')).toEqual({ content: [{ type: 'text', text: 'bad' }], isError: true });
  });

  it('maps resource return values', () => {
    expect(toReadResourceResult('t', 'a://b', 'text/plain')).toEqual({ contents: [{ uri: 'a://b', mimeType: 'text/plain', text: 't' }] });
    expect(toReadResourceResult(new Uint8Array([1, 2]), 'a://b')).toEqual({ contents: [{ uri: 'a://b', blob: 'AQI=' }] });
    expect(toReadResourceResult({ x: 1 }, 'a://b')).toEqual({ contents: [{ uri: 'a://b', mimeType: 'application/json', text: '{"x":1}' }] });
    const full = { contents: [{ uri: 'a://b', text: 'y' }] };
    expect(toReadResourceResult(full, 'a://b')).toBe(full);
  });

  it('maps prompt return values', () => {
    expect(toGetPromptResult('hello', 'd')).toEqual({ description: 'd', messages: [{ role: 'user', content: { type: 'text', text: 'hello' } }] });
    const assistant = { role: 'assistant', content: { type: 'text', text: 'ok' } };
    expect(toGetPromptResult(['q', assistant]).messages).toEqual([{ role: 'user', content: { type: 'text', text: 'q' } }, assistant]);
  });
});
