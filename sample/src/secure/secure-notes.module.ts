import { Module } from '@nestjs/common';
import { NotesModule } from '../notes/notes.module.js';
import { SecureNotesTools } from './secure-notes.tools.js';

@Module({ imports: [NotesModule], providers: [SecureNotesTools] })
export class SecureNotesModule {}
