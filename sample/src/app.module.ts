import { Module } from '@nestjs/common';
import { McpModule } from '@nestmcp/core';
import { NotesModule } from './notes/notes.module.js';
import { SecureNotesModule } from './secure/secure-notes.module.js';
import { SECURE_MCP_PATH, secureServerOptions } from './secure/secure-auth.config.js';

@Module({
  imports: [
    NotesModule,
    SecureNotesModule,
    // Open server: no auth. Also the one served over stdio (npm run --silent start:stdio, src/main-stdio.ts).
    McpModule.forRoot({
      name: 'nestmcp-sample',
      version: '0.1.0',
      instructions: 'A small notes service. Search notes, read them as resources, create new ones.',
      transports: { streamableHttp: { path: '/mcp' }, sse: { path: '/sse', messagesPath: '/messages' }, stdio: true },
    }),
    // Protected server: bearer JWTs (HS256), only the tools of SecureNotesModule. `npm run token` makes a token.
    McpModule.forRootAsync({
      transports: { streamableHttp: { path: SECURE_MCP_PATH } },
      useFactory: () => ({ ...secureServerOptions(), include: [SecureNotesModule] }),
    }),
  ],
})
export class AppModule {}
