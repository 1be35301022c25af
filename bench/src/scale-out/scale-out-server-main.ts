import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { McpModule, McpTool } from '@nestmcp/core';
import { redisStores } from '@nestmcp/redis';
import { z } from 'zod';

/**
 * One instance of the scale-out benchmark (forked by scale-out-run): the bench's `add` tool on Streamable HTTP
 * (sessions, JSON answers), its stores in Redis when a URL is given, in memory otherwise. Reports its port over IPC.
 */
const { redisUrl } = JSON.parse(process.argv[2] ?? '{}') as { redisUrl?: string };
const AddInput = z.object({ a: z.number(), b: z.number() });

@Injectable()
class BenchTools {
  @McpTool({ description: 'Adds two numbers', input: AddInput })
  add({ a, b }: z.infer<typeof AddInput>) {
    return String(a + b);
  }
}

async function main(): Promise<void> {
  const stores = redisUrl ? redisStores({ url: redisUrl, keyPrefix: 'bench:' }) : undefined;
  if (stores && !(await stores.whenReady())) throw new Error(`Redis not reachable at ${redisUrl}`);
  @Module({
    imports: [
      McpModule.forRoot({
        name: 'bench',
        version: '1.0.0',
        transports: { streamableHttp: { path: '/mcp', jsonResponse: true } },
        ...(stores && { stores }),
      }),
    ],
    providers: [BenchTools],
  })
  class ScaleOutBenchModule {}
  const app = await NestFactory.create(ScaleOutBenchModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.on('message', async (command: { cmd: string }) => {
    if (command.cmd !== 'stop') return;
    await app.close();
    await stores?.close();
    process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ port: address.port });
}

main().catch((error: unknown) => {
  process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
