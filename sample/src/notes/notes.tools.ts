import { Injectable, UseGuards } from '@nestjs/common';
import { McpTool, type McpContext } from '@nestmcp/core';
import { z } from 'zod';
import { CreateNoteDto } from './create-note.dto.js';
import { NotesService } from './notes.service.js';
import { ReadOnlyGuard } from './read-only.guard.js';

const SearchInput = z.object({
  query: z.string().min(1).describe('Text to look for in titles, bodies and tags'),
  limit: z.number().int().min(1).max(50).default(10),
});

const NoteStats = z.object({ count: z.number().int(), tags: z.record(z.string(), z.number().int()) });

@Injectable()
export class NotesTools {
  constructor(private readonly notes: NotesService) {}

  @McpTool({ description: 'Create a note', input: CreateNoteDto, annotations: { destructiveHint: false } })
  @UseGuards(ReadOnlyGuard)
  async create_note(input: CreateNoteDto, ctx: McpContext) {
    const note = await this.notes.create(input);
    await ctx.log.info(`created note ${note.id}`, 'notes');
    return `Created note ${note.id}: ${note.title}`;
  }

  @McpTool({ description: 'Search notes by text', input: SearchInput, annotations: { readOnlyHint: true } })
  async search_notes({ query, limit }: z.infer<typeof SearchInput>) {
    return (await this.notes.search(query, limit)).map(({ id, title }) => ({ id, title }));
  }

  @McpTool({ title: 'Note statistics', description: 'How many notes there are, per tag', output: NoteStats, annotations: { readOnlyHint: true } })
  async note_stats(): Promise<z.infer<typeof NoteStats>> {
    const tags: Record<string, number> = {};
    const all = await this.notes.all();
    for (const note of all) for (const tag of note.tags) tags[tag] = (tags[tag] ?? 0) + 1;
    return { count: all.length, tags };
  }

  @McpTool({ description: 'Re-index every note, reporting progress as it goes', annotations: { idempotentHint: true } })
  async reindex_notes(_args: unknown, ctx: McpContext) {
    const all = await this.notes.all();
    for (const [index, note] of all.entries()) {
      if (ctx.signal.aborted) return 'Cancelled';
      await ctx.reportProgress(index + 1, all.length, `Indexed "${note.title}"`);
      await ctx.log.debug(`indexed note ${note.id}`);
    }
    return `Re-indexed ${all.length} notes`;
  }
}
