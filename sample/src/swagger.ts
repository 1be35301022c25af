import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the REST API's OpenAPI document at /api/docs-json and Swagger UI at /api/docs, as any Nest app does. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nestmcp sample: notes')
    .setDescription('The REST API of the sample; its routes are MCP tools of the open server too (rest_*).')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
}
