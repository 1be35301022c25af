// A server for the hot-path measurements (bench/NOTES-hot-path.md): ours (Nest + @nestmcp/core, express or
// fastify) or the raw SDK, the same tools as the benchmark's. Answers { cmd: 'cpu' } with process.cpuUsage()
// and { cmd: 'stop' } over IPC, so the orchestrator measures CPU time over a fixed number of requests.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';

const config = JSON.parse(process.argv[2]);

async function startOurs() {
  const { Injectable, Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  // impl 'base': the build of an earlier commit (bench/profile-hot/base/, see NOTES-hot-path.md), side by side.
  // impl 'snap-<name>': a copy of a build kept in bench/profile-hot/snap-<name>/packages/core/dist.
  const core =
    config.impl === 'base' || config.impl.startsWith('snap-')
      ? new URL(`./${config.impl}/packages/core/dist/index.js`, import.meta.url).href
      : '@nestmcp/core';
  const { McpModule, McpTool } = await import(core);
  const { z } = await import('zod');
  const AddInput = z.object({ a: z.number(), b: z.number() });
  const FillerInput = z.object({ q: z.string(), limit: z.number().optional() });
  class BenchTools {
    add({ a, b }) {
      return String(a + b);
    }
  }
  Injectable()(BenchTools);
  const prototype = BenchTools.prototype;
  McpTool({ description: 'Adds two numbers', input: AddInput })(prototype, 'add', Object.getOwnPropertyDescriptor(prototype, 'add'));
  for (let i = 0; i < config.fillers; i++) {
    const name = `filler_${i}`;
    prototype[name] = ({ q }) => q;
    McpTool({ description: 'A filler tool that the benchmark never calls', input: FillerInput })(prototype, name, Object.getOwnPropertyDescriptor(prototype, name));
  }
  class BenchModule {}
  Module({
    imports: [
      McpModule.forRoot({
        name: 'bench',
        version: '1.0.0',
        transports: { streamableHttp: { path: '/mcp', stateless: config.stateless, jsonResponse: config.json } },
        // HOT_EXPRESS_CLASSES=0: Express's per-request setPrototypeOf as before (see http/express-request-classes.ts)
        ...(process.env.HOT_EXPRESS_CLASSES === '0' ? { expressRequestClasses: false } : {}),
      }),
    ],
    providers: [BenchTools],
  })(BenchModule);
  let app;
  if (config.platform === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(BenchModule, new FastifyAdapter(), { logger: ['error'] });
  } else {
    app = await NestFactory.create(BenchModule, { logger: ['error'] });
  }
  if (config.prefix) app.setGlobalPrefix(config.prefix);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  return { port: address.port, http: app.getHttpServer(), close: () => app.close() };
}

async function startRaw() {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
  const { createMcpExpressApp } = await import('@modelcontextprotocol/sdk/server/express.js');
  const { isInitializeRequest } = await import('@modelcontextprotocol/sdk/types.js');
  const z = await import('zod/v4');
  const getServer = () => {
    const server = new McpServer({ name: 'bench', version: '1.0.0' }, { capabilities: { logging: {} } });
    server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
    }));
    for (let i = 0; i < config.fillers; i++) {
      server.registerTool(
        `filler_${i}`,
        { description: 'A filler tool that the benchmark never calls', inputSchema: { q: z.string(), limit: z.number().optional() } },
        async ({ q }) => ({ content: [{ type: 'text', text: q }] }),
      );
    }
    return server;
  };
  const app = createMcpExpressApp();
  if (config.stateless) {
    app.post('/mcp', async (req, res) => {
      const server = getServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: config.json });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
    });
  } else {
    const transports = new Map();
    app.post('/mcp', async (req, res) => {
      const sessionId = req.headers['mcp-session-id'];
      let transport = sessionId ? transports.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId || !isInitializeRequest(req.body)) return res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'bad' }, id: null });
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: config.json,
          onsessioninitialized: (id) => void transports.set(id, created),
        });
        created.onclose = () => created.sessionId && transports.delete(created.sessionId);
        await getServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, req.body);
    });
    // GET and DELETE as the bench's raw server (bench/src/servers/raw-server.ts) serves them (--mode create).
    const handleSessionRequest = async (req, res) => {
      const sessionId = req.headers['mcp-session-id'];
      const transport = sessionId ? transports.get(sessionId) : undefined;
      if (!transport) return res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'bad' }, id: null });
      await transport.handleRequest(req, res);
    };
    app.get('/mcp', handleSessionRequest);
    app.delete('/mcp', handleSessionRequest);
  }
  const http = await new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
  return { port: http.address().port, http, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

const server = config.impl === 'raw' ? await startRaw() : await startOurs();
// Under callgrind the server runs ~50x slower: Node's 5 s keep-alive timeout then closes connections the client
// is about to reuse (ECONNRESET after the warm-up, while instrumentation is switched on).
if (config.keepAliveMs) server.http.keepAliveTimeout = config.keepAliveMs;
// --alloc-prof <file> (run.mjs): a sampling profile of what the measured calls allocate, garbage included (with
// --promoted: only objects that outlived a scavenge, the old generation's garbage).
let allocSession;
process.on('message', async (command) => {
  if (command.cmd === 'cpu' && config.allocProf && command.gc) {
    const { Session } = await import('node:inspector');
    allocSession = new Session();
    allocSession.connect();
    allocSession.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !config.promoted });
  } else if (command.cmd === 'cpu' && allocSession) {
    const { writeFileSync } = await import('node:fs');
    await new Promise((resolve) =>
      allocSession.post('HeapProfiler.stopSampling', (error, result) => {
        if (!error) writeFileSync(config.allocProf, JSON.stringify(result.profile));
        resolve();
      }),
    );
  }
  if (command.cmd === 'cpu') {
    // With --node-args (tracing flags), marks where the measured calls start and end in the trace.
    if (config.mark) console.log(`[hot] ${command.gc ? 'measured calls start' : 'measured calls end'}`);
    const gc = globalThis.gc;
    if (command.gc && gc) gc();
    process.send({ cpu: process.cpuUsage(), mem: process.memoryUsage().heapUsed });
  } else if (command.cmd === 'stop') {
    await server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ port: server.port });
