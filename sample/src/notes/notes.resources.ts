import { Injectable } from '@nestjs/common';
import { McpPrompt, McpResource } from '@nestmcp/core';
import { z } from 'zod';
import { NotesService } from './notes.service.js';

@Injectable()
export class NotesResources {
  constructor(private readonly notes: NotesService) {}

  @McpResource({ uri: 'notes://index', name: 'note-index', description: 'Every note id and title', mimeType: 'application/json' })
  async index() {
    return (await this.notes.all()).map(({ id, title }) => ({ id, title }));
  }

  @McpResource({
    uriTemplate: 'notes://{id}',
    name: 'note',
    description: 'One note as Markdown',
    mimeType: 'text/markdown',
    complete: { id: 'completeNoteId' },
  })
  async note({ id }: { id: string }) {
    const note = await this.notes.get(id);
    return `# ${note.title}\n\n${note.body}\n\nTags: ${note.tags.join(', ') || 'none'}`;
  }

  /** Completes note ids for the template and the prompt (a method, so it can use the injected service). */
  async completeNoteId(value: string): Promise<string[]> {
    return (await this.notes.ids()).filter((id) => id.startsWith(value));
  }

  @McpPrompt({
    description: 'Ask the model to review a note',
    args: z.object({ id: z.string().describe('Note id'), tone: z.string().optional().describe('e.g. "friendly" or "strict"') }),
    complete: { id: 'completeNoteId' },
  })
  async review_note({ id, tone }: { id: string; tone?: string }) {
    const note = await this.notes.get(id);
    return `Review this note${tone ? ` in a ${tone} tone` : ''}. Point out anything unclear.\n\n# ${note.title}\n${note.body}`;
  }
}
