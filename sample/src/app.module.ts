import { Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { McpModule } from '@nestmcp/core';
import { NotesModule } from './notes/notes.module.js';
import { SecureNotesModule } from './secure/secure-notes.module.js';
import { SECURE_MCP_PATH, secureServerOptions } from './secure/secure-auth.config.js';

@Module({
  imports: [
    NotesModule,
    SecureNotesModule,
    // Open server: no auth.
    McpModule.forRoot({
      name: 'nestmcp-sample',
      version: '0.1.0',
      instructions: 'A small notes service. Search notes, read them as resources, create new ones.',
      transports: { streamableHttp: { path: '/mcp' }, sse: { path: '/sse', messagesPath: '/messages' } },
      // The REST routes marked @McpTool() (NotesController) are tools too; their calls carry the caller's
      // Authorization to the route, whose guard decides as it does for REST.
      routes: { forwardHeaders: ['authorization'] },
    }),
    // Protected server: bearer JWTs (HS256), only the tools of SecureNotesModule. `npm run token` makes a token.
    McpModule.forRootAsync({
      transports: { streamableHttp: { path: SECURE_MCP_PATH } },
      useFactory: () => ({ ...secureServerOptions(), include: [SecureNotesModule] }),
    }),
  ],
  // The app's own global ValidationPipe: it validates REST bodies, and so the bodies of the rest_* tools' calls.
  providers: [{ provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }) }],
})
export class AppModule {}
