import { Module } from '@nestjs/common';
import { NotesService } from './notes.service.js';
import { NotesTools } from './notes.tools.js';
import { NotesResources } from './notes.resources.js';

@Module({ providers: [NotesService, NotesTools, NotesResources], exports: [NotesService] })
export class NotesModule {}
