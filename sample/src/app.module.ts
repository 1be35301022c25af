import { Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { McpModule } from '@nestmcp/core';
import type { McpRedisStores } from '@nestmcp/redis';
import { McpOAuthModule } from '@nestmcp/oauth';
import { sampleOAuthOptions } from './auth/sample-oauth.config.js';
import { NotesModule } from './notes/notes.module.js';
import { OpenMcpServer } from './notes/open-server.js';
import { SecureNotesModule } from './secure/secure-notes.module.js';
import { SECURE_MCP_PATH, secureServerOptions } from './secure/secure-auth.config.js';
import { oauthScaleOutOptions, sampleStoreModules, scaleOutOptions, storesInject } from './scale-out/sample-stores.js';

@Module({
  imports: [
    // With REDIS_URL: the Redis stores, shared by both servers and by every replica of the sample.
    ...sampleStoreModules,
    NotesModule,
    SecureNotesModule,
    // The authorization server real OAuth clients log in through (demo user alice / alice), beside the MCP servers;
    // with REDIS_URL its state is in Redis too, so a login on one replica holds on every other.
    McpOAuthModule.forRootAsync({
      useFactory: (stores?: McpRedisStores) => ({ ...sampleOAuthOptions(), ...oauthScaleOutOptions(stores) }),
      inject: storesInject,
    }),
    // Open server: no auth (see notes/open-server.ts). Also the one served over stdio (npm run --silent start:stdio, src/main-stdio.ts).
    OpenMcpServer,
    // Protected server: tokens of the authorization server above, or HS256 tokens from `npm run token` (scripts);
    // only the tools of SecureNotesModule.
    McpModule.forRootAsync({
      transports: { streamableHttp: { path: SECURE_MCP_PATH } },
      useFactory: (stores?: McpRedisStores) => ({ ...secureServerOptions(), include: [SecureNotesModule], ...scaleOutOptions(stores) }),
      inject: storesInject,
    }),
  ],
  // The app's own global ValidationPipe: it validates REST bodies, and so the bodies of the rest_* tools' calls.
  providers: [{ provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }) }],
})
export class AppModule {}
