import type { IncomingMessage } from 'node:http';
import { checkOrigin, isLoopbackAddress, isLoopbackHostname, type OriginPolicy } from './origin.js';

const req = (headers: Record<string, string>, encrypted = false) => ({ headers, socket: { encrypted } }) as unknown as IncomingMessage;
const open: OriginPolicy = { trustProxy: false };

describe('origin checks', () => {
  it('knows loopback addresses and host names', () => {
    expect(['127.0.0.1', '127.8.9.1', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1'].map(isLoopbackAddress)).toEqual([false, false, false, false]);
    expect(['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '[::1]'].map(isLoopbackHostname)).toEqual([true, true, true, true, true]);
    expect(['localhost.evil.com', '127.0.0.1.nip.io', 'example.com', '[::2]'].map(isLoopbackHostname)).toEqual([false, false, false, false]);
  });

  it('on a loopback server, takes loopback hosts and origins only', () => {
    expect(checkOrigin(req({ host: 'localhost:3000' }), open, true).ok).toBe(true);
    expect(checkOrigin(req({ host: 'localhost:3000', origin: 'http://127.0.0.1:5173' }), open, true).ok).toBe(true);
    expect(checkOrigin(req({ host: 'rebound.example:3000' }), open, true).ok).toBe(false);
    expect(checkOrigin(req({ host: 'localhost:3000', origin: 'https://evil.example' }), open, true).ok).toBe(false);
    expect(checkOrigin(req({}), open, true).ok).toBe(false);
    expect(checkOrigin(req({ host: 'localhost:3000', origin: 'file://' }), open, true).ok).toBe(false);
  });

  it('elsewhere, takes any host but only same-origin origins', () => {
    expect(checkOrigin(req({ host: 'mcp.example.com' }), open, false).ok).toBe(true);
    expect(checkOrigin(req({ host: 'mcp.example.com', origin: 'http://mcp.example.com' }), open, false).ok).toBe(true);
    expect(checkOrigin(req({ host: 'mcp.example.com', origin: 'https://mcp.example.com' }), open, false).ok).toBe(false);
    expect(checkOrigin(req({ host: 'mcp.example.com', origin: 'https://mcp.example.com' }, true), open, false).ok).toBe(true);
    expect(checkOrigin(req({ host: 'mcp.example.com', origin: 'http://localhost:3000' }), open, false).ok).toBe(false);
  });

  it('honours allowedHosts with and without ports, and allowedOrigins', () => {
    const policy: OriginPolicy = { trustProxy: false, allowedHosts: ['a.example', 'b.example:8443'], allowedOrigins: ['https://app.example/'] };
    expect(checkOrigin(req({ host: 'a.example:1234' }), policy, false).ok).toBe(true);
    expect(checkOrigin(req({ host: 'b.example:8443' }), policy, false).ok).toBe(true);
    expect(checkOrigin(req({ host: 'b.example:8080' }), policy, false).ok).toBe(false);
    expect(checkOrigin(req({ host: 'c.example' }), policy, true).ok).toBe(false);
    expect(checkOrigin(req({ host: 'a.example', origin: 'https://app.example' }), policy, false).ok).toBe(true);
    expect(checkOrigin(req({ host: 'a.example', origin: 'https://other.example' }), policy, false).ok).toBe(false);
    expect(checkOrigin(req({ host: 'evil', origin: 'https://x' }), { trustProxy: false, allowedHosts: ['*'], allowedOrigins: ['*'] }, true).ok).toBe(true);
  });

  it('reads X-Forwarded-Host/Proto only from a trusted proxy', () => {
    const proxied = { host: '127.0.0.1:3000', 'x-forwarded-host': 'mcp.example.com', 'x-forwarded-proto': 'https', origin: 'https://mcp.example.com' };
    expect(checkOrigin(req(proxied), { trustProxy: true, allowedHosts: ['mcp.example.com'] }, true).ok).toBe(true);
    expect(checkOrigin(req(proxied), { trustProxy: false, allowedHosts: ['mcp.example.com'] }, true).ok).toBe(false);
  });
});
