import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CONFORMANCE_MODES, ConformanceModule, type ConformanceMode } from './app/conformance.module.js';

/** Starts the conformance fixture: PORT (default 3001) on 127.0.0.1, path /mcp; MCP_MODE = stateful | stateless | json. */
async function bootstrap() {
  const mode = (process.env.MCP_MODE ?? 'stateful') as ConformanceMode;
  if (!CONFORMANCE_MODES.includes(mode)) throw new Error(`MCP_MODE must be one of ${CONFORMANCE_MODES.join(', ')}; got "${mode}"`);
  const app = await NestFactory.create(ConformanceModule.forMode(mode), { logger: ['error', 'warn', 'log'] });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3001);
  await app.listen(port, '127.0.0.1');
  Logger.log(`conformance server (${mode}) ready at http://127.0.0.1:${port}/mcp`, 'Conformance');
}

void bootstrap();
