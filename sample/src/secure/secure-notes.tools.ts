import { Injectable } from '@nestjs/common';
import { McpTool, RequireScopes, getAccessToken } from '@nestmcp/core';
import { z } from 'zod';
import { NotesService } from '../notes/notes.service.js';
import { SECURE_SERVER_NAME } from './secure-auth.config.js';

const AddNote = z.object({ title: z.string().min(1).max(200), body: z.string() });

/** Tools of the protected server only (`server`), with per-tool scopes. */
@Injectable()
export class SecureNotesTools {
  constructor(private readonly notes: NotesService) {}

  @McpTool({ server: SECURE_SERVER_NAME, description: 'Who you are, as the access token says', annotations: { readOnlyHint: true } })
  whoami() {
    const token = getAccessToken();
    return { subject: token?.subject, scopes: token?.scopes, expiresAt: token?.expiresAt };
  }

  @McpTool({ server: SECURE_SERVER_NAME, description: 'List the titles of all notes', scopes: ['notes:read'], annotations: { readOnlyHint: true } })
  async list_notes() {
    return (await this.notes.all()).map(({ id, title }) => ({ id, title }));
  }

  @RequireScopes('notes:write')
  @McpTool({ server: SECURE_SERVER_NAME, description: 'Add a note, signed with your name', input: AddNote })
  async add_note({ title, body }: z.infer<typeof AddNote>) {
    const note = await this.notes.create({ title, body, tags: [`by:${getAccessToken()?.subject ?? 'unknown'}`] });
    return `Added note ${note.id}: ${note.title}`;
  }
}
