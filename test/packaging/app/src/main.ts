import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { McpModule } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { WeatherTools } from './weather.tools.js';

@Module({ imports: [McpModule.forRoot({ name: 'weather', version: '1.0.0' })], providers: [WeatherTools] })
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const client = await createMcpClient(app);
const tools = (await client.listTools()).tools.map((tool) => tool.name);
const result = await client.callTool({ name: 'forecast', arguments: { city: 'Oslo' } });
await client.close();
await app.close();
console.log(JSON.stringify({ tools, result }));
