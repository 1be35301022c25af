import type { Note } from './note.entity.js';

/** Where the notes are kept: process memory by default, Redis when the sample scales out (REDIS_URL). */
export interface NotesRepository {
  /** Adds the seed notes if this store never had any (only the first replica to start adds them). */
  seed(notes: Omit<Note, 'id'>[]): Promise<void>;
  add(note: Omit<Note, 'id'>): Promise<Note>;
  get(id: string): Promise<Note | undefined>;
  all(): Promise<Note[]>;
}

export const NotesRepository = Symbol('NotesRepository');

/** Notes in process memory (one process: what the sample always did). */
export class InMemoryNotesRepository implements NotesRepository {
  private readonly notes = new Map<string, Note>();
  private nextId = 1;

  async seed(notes: Omit<Note, 'id'>[]): Promise<void> {
    if (this.nextId === 1) for (const note of notes) await this.add(note);
  }

  async add(input: Omit<Note, 'id'>): Promise<Note> {
    const note: Note = { ...input, id: String(this.nextId++) };
    this.notes.set(note.id, note);
    return note;
  }

  async get(id: string): Promise<Note | undefined> {
    return this.notes.get(id);
  }

  async all(): Promise<Note[]> {
    return [...this.notes.values()];
  }
}
