import 'reflect-metadata';
import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { McpModule } from '@nestmcp/core';
import { ModernScenariosTools } from '../modern-scenarios.tools.js';
import { BasicScenariosTools } from './basic-scenarios.tools.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** DNS-rebinding guard for this localhost fixture (stand-in for the module's own origin/host check). */
function localhostOnly(req: Request, res: Response, next: NextFunction): void {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  const origin = req.headers.origin;
  const originHost = origin ? new URL(origin).hostname : undefined;
  if (!LOCAL_HOSTS.has(host) || (originHost !== undefined && !LOCAL_HOSTS.has(originHost) && !LOCAL_HOSTS.has(`[${originHost}]`))) {
    res.status(403).json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Forbidden: non-localhost Host or Origin' } });
    return;
  }
  next();
}

@Module({
  imports: [McpModule.forRoot({ name: 'nestmcp-conformance', version: '1.0.0', protocolVersions: 'both' })],
  providers: [BasicScenariosTools, ModernScenariosTools],
})
class ConformanceModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(localhostOnly).forRoutes('*path');
  }
}

const app = await NestFactory.create(ConformanceModule, { logger: ['error'] });
await app.listen(Number(process.env.PORT ?? 3108), '127.0.0.1');
console.log(`conformance fixture on ${await app.getUrl()}/mcp`);
