import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { McpModule } from '@nestmcp/core';

// auth.jwt needs passport-jwt, an optional peer this app did not install: start-up must say so.
@Module({ imports: [McpModule.forRoot({ name: 'weather', version: '1.0.0', auth: { jwt: { secret: 'a-secret-of-enough-length-0123456789' } } })] })
class AppModule {}

try {
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  await app.init();
  console.log('started without passport-jwt');
} catch (error) {
  console.log((error as Error).message);
}
