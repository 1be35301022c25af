import { Module } from '@nestjs/common';
import { McpModule } from '@nestmcp/core';
import { McpOAuthModule } from '@nestmcp/oauth';
import { sampleOAuthOptions } from './auth/sample-oauth.config.js';
import { NotesModule } from './notes/notes.module.js';
import { SecureNotesModule } from './secure/secure-notes.module.js';
import { SECURE_MCP_PATH, secureServerOptions } from './secure/secure-auth.config.js';

@Module({
  imports: [
    NotesModule,
    SecureNotesModule,
    // The authorization server real OAuth clients log in through (demo user alice / alice), beside the MCP servers.
    McpOAuthModule.forRootAsync({ useFactory: () => sampleOAuthOptions() }),
    // Open server: no auth.
    McpModule.forRoot({
      name: 'nestmcp-sample',
      version: '0.1.0',
      instructions: 'A small notes service. Search notes, read them as resources, create new ones.',
      transports: { streamableHttp: { path: '/mcp' }, sse: { path: '/sse', messagesPath: '/messages' } },
    }),
    // Protected server: tokens of the authorization server above, or HS256 tokens from `npm run token` (scripts);
    // only the tools of SecureNotesModule.
    McpModule.forRootAsync({
      transports: { streamableHttp: { path: SECURE_MCP_PATH } },
      useFactory: () => ({ ...secureServerOptions(), include: [SecureNotesModule] }),
    }),
  ],
})
export class AppModule {}
