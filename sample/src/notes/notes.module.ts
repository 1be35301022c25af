import { Module } from '@nestjs/common';
import { NotesService } from './notes.service.js';
import { NotesTools } from './notes.tools.js';
import { NotesResources } from './notes.resources.js';
import { NotesController } from './notes.controller.js';
import { NotesWriterGuard } from './notes-writer.guard.js';

@Module({ controllers: [NotesController], providers: [NotesService, NotesTools, NotesResources, NotesWriterGuard], exports: [NotesService] })
export class NotesModule {}
