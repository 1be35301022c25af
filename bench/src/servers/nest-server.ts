import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { McpModule, McpTool } from '@nestmcp/core';
import { z } from 'zod';
import { FILLER_DESCRIPTION, fillerName, type ServerConfig } from './server-config.js';

const AddInput = z.object({ a: z.number(), b: z.number() });
const FillerInput = z.object({ q: z.string(), limit: z.number().optional() });

/** The same tools as the raw server: `add` plus N fillers, declared with @McpTool on one provider. */
function createToolsProvider(fillers: number): new () => unknown {
  @Injectable()
  class BenchTools {
    @McpTool({ description: 'Adds two numbers', input: AddInput })
    add({ a, b }: z.infer<typeof AddInput>) {
      return String(a + b);
    }
  }
  const prototype = BenchTools.prototype as unknown as Record<string, unknown>;
  for (let i = 0; i < fillers; i++) {
    const name = fillerName(i);
    prototype[name] = ({ q }: z.infer<typeof FillerInput>) => q;
    McpTool({ description: FILLER_DESCRIPTION, input: FillerInput })(prototype, name, Object.getOwnPropertyDescriptor(prototype, name)!);
  }
  return BenchTools;
}

/**
 * A Nest app with @nestmcp/core, as a user writes it: McpModule.forRoot() and a provider of tools, on the express
 * platform (impl `ours`, Nest's default) or the Fastify one (impl `fastify`, `new FastifyAdapter()` as Nest's docs
 * show it).
 */
export async function startNestServer(config: ServerConfig): Promise<{ port: number; close: () => Promise<void> }> {
  @Module({
    imports: [
      McpModule.forRoot({
        name: 'bench',
        version: '1.0.0',
        transports: { streamableHttp: { path: '/mcp', stateless: config.stateless, jsonResponse: config.json } },
      }),
    ],
    providers: [createToolsProvider(config.fillers)],
  })
  class BenchModule {}

  const app =
    config.impl === 'fastify'
      ? await NestFactory.create(BenchModule, new FastifyAdapter(), { logger: ['error'] })
      : await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => app.close() };
}
