import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { setupSwagger } from './swagger.js';
import { SAMPLE_DEMO_DEFAULTS, samplePublicUrl } from './auth/sample-oauth.config.js';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  setupSwagger(app);
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, host);
  Logger.log(`MCP server ready at http://${host}:${port}/mcp (legacy SSE: /sse)`, 'Sample');
  Logger.log(`REST API at http://${host}:${port}/api/notes, Swagger UI at /api/docs (OpenAPI JSON: /api/docs-json)`, 'Sample');
  const publicUrl = samplePublicUrl();
  Logger.log(`Protected MCP server at ${publicUrl}/secure/mcp: connect an OAuth client (Claude, VS Code, the MCP Inspector, mcp-remote) and log in`, 'Sample');
  Logger.log(`Authorization server ${publicUrl} (demo login: user "${process.env.SAMPLE_DEMO_USER ?? SAMPLE_DEMO_DEFAULTS.user}"); for scripts: npm run token -- --sub alice --scope "notes:read notes:write"`, 'Sample');
}

void bootstrap();
