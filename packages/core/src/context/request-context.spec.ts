import type { IncomingMessage, ServerResponse } from 'node:http';
import { getHttpHeaders } from './get-http-headers.js';
import { getHttpRequest } from './get-http-request.js';
import { getMcpContext } from './get-mcp-context.js';
import { runInMcpRequestContext } from './request-context.js';

describe('request context functions', () => {
  it('outside an MCP request: getHttpRequest() and getMcpContext() say so, getHttpHeaders() is empty', () => {
    expect(() => getHttpRequest()).toThrow('getHttpRequest() was called outside an MCP request');
    expect(() => getMcpContext()).toThrow('getMcpContext() was called outside an MCP request');
    expect(getHttpHeaders()).toEqual({});
  });

  it('inside one: the request, and its headers lower-cased with multi-values joined', () => {
    const raw = { headers: { 'x-a': '1', 'x-list': ['a', 'b'], authorization: 'Bearer t', host: 'h' } } as unknown as IncomingMessage;
    const request = { raw };
    runInMcpRequestContext({ channel: 'http', request, raw, response: {} as ServerResponse, serverName: 's' }, () => {
      expect(getHttpRequest()).toBe(request);
      expect(getHttpHeaders()).toEqual({ 'x-a': '1', 'x-list': 'a, b' });
      expect(getHttpHeaders({ include: ['AUTHORIZATION'] })).toEqual({ 'x-a': '1', 'x-list': 'a, b', authorization: 'Bearer t' });
      expect(getHttpHeaders({ all: true })).toEqual({ 'x-a': '1', 'x-list': 'a, b', authorization: 'Bearer t', host: 'h' });
    });
  });
});
