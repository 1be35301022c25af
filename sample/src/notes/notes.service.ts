import { Injectable, NotFoundException } from '@nestjs/common';
import type { Note } from './note.entity.js';

/** An in-memory note store: the "service you already have" that the MCP tools expose. */
@Injectable()
export class NotesService {
  private readonly notes = new Map<string, Note>();
  private nextId = 1;

  constructor() {
    this.create({ title: 'Welcome', body: 'nestmcp serves this note over MCP.', tags: ['intro'] });
    this.create({ title: 'Groceries', body: 'Milk, eggs, coffee.', tags: ['home'] });
  }

  create(input: { title: string; body: string; tags?: string[] }): Note {
    const note: Note = { id: String(this.nextId++), title: input.title, body: input.body, tags: input.tags ?? [], createdAt: new Date().toISOString() };
    this.notes.set(note.id, note);
    return note;
  }

  get(id: string): Note {
    const note = this.notes.get(id);
    if (!note) throw new NotFoundException(`Note ${id} does not exist`);
    return note;
  }

  all(): Note[] {
    return [...this.notes.values()];
  }

  search(query: string, limit: number): Note[] {
    const needle = query.toLowerCase();
    return this.all()
      .filter((note) => `${note.title} ${note.body} ${note.tags.join(' ')}`.toLowerCase().includes(needle))
      .slice(0, limit);
  }

  ids(): string[] {
    return [...this.notes.keys()];
  }
}
