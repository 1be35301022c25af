import { Inject, Injectable, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { McpRegistry } from '@nestmcp/core';
import type { Note } from './note.entity.js';
import { NotesRepository } from './notes.repository.js';

const SEED = [
  { title: 'Welcome', body: 'nestmcp serves this note over MCP.', tags: ['intro'] },
  { title: 'Groceries', body: 'Milk, eggs, coffee.', tags: ['home'] },
];

/**
 * The notes: the "service you already have" that the MCP tools expose. Kept in a `NotesRepository` (memory, or
 * Redis when the sample scales out); every new note tells the subscribers of `notes://index`, on every replica.
 */
@Injectable()
export class NotesService implements OnModuleInit {
  constructor(
    @Inject(NotesRepository) private readonly repository: NotesRepository,
    private readonly registry: McpRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repository.seed(SEED.map((note) => ({ ...note, createdAt: new Date().toISOString() })));
  }

  async create(input: { title: string; body: string; tags?: string[] }): Promise<Note> {
    const note = await this.repository.add({ title: input.title, body: input.body, tags: input.tags ?? [], createdAt: new Date().toISOString() });
    this.registry.notifyResourceUpdated('notes://index');
    return note;
  }

  async get(id: string): Promise<Note> {
    const note = await this.repository.get(id);
    if (!note) throw new NotFoundException(`Note ${id} does not exist`);
    return note;
  }

  all(): Promise<Note[]> {
    return this.repository.all();
  }

  async search(query: string, limit: number): Promise<Note[]> {
    const needle = query.toLowerCase();
    return (await this.all()).filter((note) => `${note.title} ${note.body} ${note.tags.join(' ')}`.toLowerCase().includes(needle)).slice(0, limit);
  }

  async ids(): Promise<string[]> {
    return (await this.all()).map((note) => note.id);
  }
}
