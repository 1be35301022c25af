import { ApplicationConfig } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import type { McpModuleOptions } from '../interfaces/mcp-options.interface.js';
import { McpRegistry } from '../registry/mcp-registry.js';
import { McpResolvedOptions } from '../options/mcp-resolved-options.js';
import { McpAuthenticator } from './mcp-authenticator.js';
import { StaticTokenVerifier } from './token-verifiers/static-token.verifier.js';

function authenticator(options: Partial<McpModuleOptions>, prefix?: string): McpAuthenticator {
  const moduleOptions = { name: 'test', version: '1.0.0', ...options } as McpModuleOptions;
  const config = new ApplicationConfig();
  if (prefix) config.setGlobalPrefix(prefix);
  return new McpAuthenticator(new McpResolvedOptions(moduleOptions), new McpRegistry(moduleOptions), config);
}

const request = { protocol: 'https', host: 'mcp.test', headers: {} };
/** A request of its own (what is learnt about a caller is kept on its request). */
const requestWith = (extra: object = {}) => ({ protocol: 'https', host: 'mcp.test', headers: {}, ...extra });

describe('McpAuthenticator', () => {
  it('refuses unclear configurations at start-up', () => {
    const verifier = new StaticTokenVerifier({});
    expect(() => authenticator({ auth: { verifier, jwt: { secret: 's' } } })).toThrow(/one of "jwt".*or "verifier"/);
    expect(() => authenticator({ auth: { verifier, principal: () => undefined } })).toThrow(/"auth.principal" reads callers/);
    expect(() => authenticator({ auth: { jwt: { issuer: 'x' } } })).toThrow(/"secret", "publicKey" or "jwksUri"/);
    expect(() => authenticator({ auth: { jwt: { secret: 's', jwksUri: 'https://idp.test/jwks' } } })).toThrow(/exactly one of "secret"/);
    expect(() => authenticator({ auth: { jwt: { secret: 's', algorithms: ['HS256', 'none'] } } })).toThrow(/must not contain "none"/);
    expect(() => authenticator({ auth: { verifier, resource: 'mcp.test/mcp' } })).toThrow(/absolute http\(s\) URL/);
  });

  it('is disabled without auth: everyone may do everything, no principal', () => {
    const open = authenticator({});
    expect(open.enabled).toBe(false);
    expect(open.accessOf(request)).toBeUndefined();
    expect(open.principalOf(request)).toBeUndefined();
    expect(open.refusal(open.accessOf(request), { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } })).toBeUndefined();
  });

  it('allows everything on stdio only by the channel mark: an HTTP or in-memory message without a request is anonymous', () => {
    const secured = authenticator({ auth: { verifier: new StaticTokenVerifier({}) } });
    const store = (channel: 'http' | 'in-memory' | 'stdio', request?: unknown) => ({ channel, request, serverName: 'test' });
    expect(secured.accessIn(store('stdio'))).toBeUndefined();
    expect(secured.accessIn(store('http'))).toMatchObject({ anonymous: true, authenticated: false });
    expect(secured.accessIn(store('in-memory'))).toMatchObject({ anonymous: true, authenticated: false });
    expect(secured.accessIn(undefined)).toMatchObject({ anonymous: true, authenticated: false });
    expect(secured.accessIn(store('http', requestWith()))).toMatchObject({ anonymous: true });
  });

  it('without jwt or verifier, reads the caller from req.user: default mapping, or auth.principal', () => {
    const fromGuards = authenticator({ auth: {} });
    expect(fromGuards.verifiesTokens).toBe(false);
    const alice = requestWith({ user: { sub: 'alice', iss: 'idp', scope: 'a b' } });
    expect(fromGuards.callerOf(alice)).toEqual({ subject: 'alice', issuer: 'idp', clientId: undefined, scopes: ['a', 'b'] });
    expect(fromGuards.principalOf(alice)).toBe(JSON.stringify(['idp', 'sub', 'alice']));
    expect(fromGuards.accessOf(alice)).toMatchObject({ anonymous: false, authenticated: true, scopes: new Set(['a', 'b']) });
    expect(fromGuards.accessOf(requestWith())).toMatchObject({ anonymous: false, authenticated: false });
    expect(fromGuards.principalOf(requestWith())).toBeUndefined();
    const mapped = authenticator({ auth: { principal: (user) => ({ subject: (user as { login: string }).login, scopes: ['x'] }) } });
    expect(mapped.callerOf(requestWith({ user: { login: 'bob' } }))).toEqual({ subject: 'bob', scopes: ['x'] });
  });

  it('binds what outlives a request to the principal, else to a hash of the credential, else to anonymous', () => {
    const fromGuards = authenticator({ auth: {} });
    const alice = (token: string) => requestWith({ user: { sub: 'alice', iss: 'idp' }, headers: { authorization: `Bearer ${token}` } });
    expect(fromGuards.boundCallerOf(alice('t1'))).toBe(fromGuards.principalOf(alice('t2')));
    const open = authenticator({});
    const presenting = (token: string) => requestWith({ headers: { authorization: `Bearer ${token}` } });
    expect(open.boundCallerOf(presenting('t1'))).toBe(open.boundCallerOf(presenting('t1')));
    expect(open.boundCallerOf(presenting('t1'))).not.toBe(open.boundCallerOf(presenting('t2')));
    expect(open.boundCallerOf(presenting('secret'))).not.toContain('secret');
    expect(open.boundCallerOf(requestWith())).toBe(open.boundCallerOf(requestWith()));
    expect(open.boundCallerOf(requestWith())).not.toBe(open.boundCallerOf(presenting('t1')));
  });

  it('derives the resource and the metadata URL from the request, the global prefix and the MCP path', () => {
    const auth = authenticator({ auth: { verifier: new StaticTokenVerifier({}) }, transports: { streamableHttp: { path: '/tools/mcp' } } }, '/api/');
    expect(auth.resource(request)).toBe('https://mcp.test/api/tools/mcp');
    expect(auth.metadataUrl(request)).toBe('https://mcp.test/.well-known/oauth-protected-resource/api/tools/mcp');
    expect(auth.metadataPaths()).toEqual(['/.well-known/oauth-protected-resource/api/tools/mcp']);
  });

  it('writes RFC 6750 challenges with quoted, escaped parameters', () => {
    const auth = authenticator({ auth: { verifier: new StaticTokenVerifier({}), requiredScopes: ['a', 'b'], resource: 'https://public.test/mcp' } });
    const headers: Record<string, string> = {};
    const response = { headersSent: false, setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as ServerResponse;
    auth.challenge({ ...request, headers: { authorization: 'Bearer x' } }, response, 'invalid_token', 'bad "token"');
    expect(headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="bad \\"token\\"", scope="a b", resource_metadata="https://public.test/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('leaves the error out of the challenge of a request without bearer credentials (RFC 6750 §3.1)', () => {
    const auth = authenticator({ auth: { verifier: new StaticTokenVerifier({}), resource: 'https://public.test/mcp' } });
    for (const headers of [{}, { authorization: 'Basic YWxpY2U6c2VjcmV0' }]) {
      const written: Record<string, string> = {};
      const response = { headersSent: false, setHeader: (name: string, value: string) => (written[name] = value) } as unknown as ServerResponse;
      auth.challenge({ ...request, headers }, response, 'invalid_token', 'no token');
      expect(written['www-authenticate']).toBe('Bearer resource_metadata="https://public.test/.well-known/oauth-protected-resource/mcp"');
    }
  });
});
