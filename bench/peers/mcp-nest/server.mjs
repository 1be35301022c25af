/**
 * The benchmark's @rekog/mcp-nest 2.x server: the same tools as the others (`add` plus N fillers), declared on an
 * @McpController with @Tool and @Payload and served by McpStrategy + StreamableHttpTransport on the express
 * platform, as the package's README shows (Quick Start). Plain JavaScript so it needs no compiler in this folder:
 * `Reflect.decorate` applies the decorators exactly as TypeScript's emitted `__decorate` does.
 *
 * Usage: node server.mjs '{"stateless": false, "json": true, "fillers": 0}'
 * Sends `{ port }` over IPC (when forked) or prints it as a JSON line, then serves until killed or told to stop.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { McpController, McpStrategy, StreamableHttpTransport, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';

const FILLER_DESCRIPTION = 'A filler tool that the benchmark never calls';
const config = JSON.parse(process.argv[2] ?? '{}');

function method(target, name, decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name);
  Object.defineProperty(target.prototype, name, Reflect.decorate(decorators, target.prototype, name, descriptor) ?? descriptor);
}

class BenchTools {
  add({ a, b }) {
    return { content: [{ type: 'text', text: String(a + b) }] };
  }
}
method(BenchTools, 'add', [
  Tool({ name: 'add', description: 'Adds two numbers', parameters: z.object({ a: z.number(), b: z.number() }) }),
  (target, key) => Payload()(target, key, 0),
]);
for (let i = 0; i < (config.fillers ?? 0); i++) {
  const name = `filler_${i}`;
  BenchTools.prototype[name] = ({ q }) => ({ content: [{ type: 'text', text: q }] });
  method(BenchTools, name, [
    Tool({ name, description: FILLER_DESCRIPTION, parameters: z.object({ q: z.string(), limit: z.number().optional() }) }),
    (target, key) => Payload()(target, key, 0),
  ]);
}
const Tools = Reflect.decorate([McpController()], BenchTools);

const mcp = new McpStrategy({
  name: 'bench',
  version: '1.0.0',
  transports: [new StreamableHttpTransport({ statefulMode: !config.stateless, enableJsonResponse: !!config.json })],
});

class BenchModule {}
const AppModule = Reflect.decorate([Module({ controllers: [Tools] })], BenchModule);

const app = await NestFactory.create(AppModule, { logger: ['error'] });
mcp.setHttpAdapter(app.getHttpAdapter());
app.connectMicroservice({ strategy: mcp });
await app.startAllMicroservices();
await app.listen(config.port ?? 0, '127.0.0.1');
const { port } = app.getHttpServer().address();
if (process.send) {
  process.on('message', async (command) => {
    if (command?.cmd === 'stop') {
      await app.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ port });
} else {
  console.log(JSON.stringify({ port }));
}
