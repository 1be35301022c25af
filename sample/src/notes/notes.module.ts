import { Module } from '@nestjs/common';
import { McpRedisStores } from '@nestmcp/redis';
import { NotesService } from './notes.service.js';
import { NotesTools } from './notes.tools.js';
import { NotesResources } from './notes.resources.js';
import { InMemoryNotesRepository, NotesRepository } from './notes.repository.js';
import { RedisNotesRepository } from './redis-notes.repository.js';
import { OpenMcpServer } from './open-server.js';
import { NotesController } from './notes.controller.js';
import { NotesWriterGuard } from './notes-writer.guard.js';

@Module({
  imports: [OpenMcpServer],
  controllers: [NotesController],
  providers: [
    NotesWriterGuard,
    NotesService,
    NotesTools,
    NotesResources,
    {
      provide: NotesRepository,
      // Redis when the sample scales out (McpRedisModule is there with REDIS_URL), else process memory.
      useFactory: (stores?: McpRedisStores) => (stores ? new RedisNotesRepository(stores.client) : new InMemoryNotesRepository()),
      inject: [{ token: McpRedisStores, optional: true }],
    },
  ],
  exports: [NotesService],
})
export class NotesModule {}
