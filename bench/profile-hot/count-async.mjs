// Counts the async resources (promises, ticks, ...) one tools/call creates, server and client in one process:
//   node bench/profile-hot/count-async.mjs session|stateless|create   (FRAMES=1: promises by the frame that made them)
//   create: one handshake instead (initialize, notifications/initialized, DELETE)
import { createHook } from 'node:async_hooks';
const stateless = process.argv[2] === 'stateless';
const create = process.argv[2] === 'create';
const { Injectable, Module } = await import('@nestjs/common');
const { NestFactory } = await import('@nestjs/core');
const { McpModule, McpTool } = await import(process.argv[3] ?? '@nestmcp/core');
const { z } = await import('zod');
class T { add({ a, b }) { return String(a + b); } }
Injectable()(T);
McpTool({ description: 'Adds', input: z.object({ a: z.number(), b: z.number() }) })(T.prototype, 'add', Object.getOwnPropertyDescriptor(T.prototype, 'add'));
class M {}
Module({ imports: [McpModule.forRoot({ name: 'b', version: '1', transports: { streamableHttp: { path: '/mcp', stateless, jsonResponse: true } } })], providers: [T] })(M);
const app = await NestFactory.create(M, { logger: ['error'] });
await app.listen(0, '127.0.0.1');
const port = app.getHttpServer().address().port;
const { Client } = await import('undici');
const client = new Client(`http://127.0.0.1:${port}`);
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
let sid;
if (!stateless) {
  const r = await client.request({ path: '/mcp', method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
  await r.body.text(); sid = r.headers['mcp-session-id']; headers['mcp-session-id'] = sid;
}
const INIT = (i) => JSON.stringify({ jsonrpc: '2.0', id: i, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
const handshake = async (i) => {
  const plain = { ...headers };
  delete plain['mcp-session-id'];
  const r = await client.request({ path: '/mcp', method: 'POST', headers: plain, body: INIT(i) });
  await r.body.text();
  const inSession = { ...plain, 'mcp-session-id': r.headers['mcp-session-id'] };
  const n = await client.request({ path: '/mcp', method: 'POST', headers: inSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  await n.body.text();
  const d = await client.request({ path: '/mcp', method: 'DELETE', headers: inSession });
  await d.body.text();
};
const toolCall = async (i) => { const r = await client.request({ path: '/mcp', method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: i + 1, method: 'tools/call', params: { name: 'add', arguments: { a: i, b: 1 } } }) }); await r.body.text(); };
const call = create ? handshake : toolCall;
for (let i = 0; i < 500; i++) await call(i);
const counts = new Map(); const frames = new Map(); let on = false;
const hook = createHook({ init(id, type) { if (!on) return; counts.set(type, (counts.get(type) ?? 0) + 1);
  if (type === (process.env.FRAMES_TYPE ?? 'PROMISE') && process.env.FRAMES) { const e = {}; Error.captureStackTrace(e); const line = e.stack.split('\n').slice(2).find((l) => !l.includes('node:internal') && !l.includes('undici')) ?? '?'; frames.set(line.trim(), (frames.get(line.trim()) ?? 0) + 1); } } }).enable();
const N = 200; on = true;
for (let i = 0; i < N; i++) await call(1000 + i);
on = false; hook.disable();
console.log(process.argv[2] ?? 'session', Object.fromEntries([...counts].map(([k, v]) => [k, v / N])));
if (process.env.FRAMES) for (const [k, v] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / N).toFixed(2), k);
await client.close(); await app.close();
