import { Module } from '@nestjs/common';
import { McpModule } from '@nestmcp/core';
import { NotesModule } from './notes/notes.module.js';

@Module({
  imports: [
    NotesModule,
    McpModule.forRoot({
      name: 'nestmcp-sample',
      version: '0.1.0',
      instructions: 'A small notes service. Search notes, read them as resources, create new ones.',
      transports: { streamableHttp: { path: '/mcp' }, sse: { path: '/sse', messagesPath: '/messages' } },
    }),
  ],
})
export class AppModule {}
