import { Body, Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { McpTool } from '@nestmcp/core';
import { CreateNoteDto } from './create-note.dto.js';
import { NoteDto } from './note.dto.js';
import { NotesService } from './notes.service.js';
import { NotesWriterGuard } from './notes-writer.guard.js';

/**
 * The REST API of the notes, documented with @nestjs/swagger (Swagger UI at /api/docs). Each route is also an MCP
 * tool of the open server (`@McpTool({ name })` beside the route decorator): its schemas come from the Swagger
 * metadata and the DTOs, and a call runs through this route, its guard and the app's pipes, as a REST call does.
 */
@ApiTags('notes')
@Controller('api/notes')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  @McpTool({ name: 'rest_list_notes', server: 'nestmcp-sample' })
  @ApiOperation({ summary: 'List notes', description: 'Every note, or those with the given tag.' })
  @ApiQuery({ name: 'tag', required: false, description: 'Only notes with this tag' })
  @ApiOkResponse({ type: NoteDto, isArray: true })
  async list(@Query('tag') tag?: string): Promise<NoteDto[]> {
    return (await this.notes.all()).filter((note) => !tag || note.tags.includes(tag));
  }

  @Get(':id')
  @McpTool({ name: 'rest_get_note', server: 'nestmcp-sample' })
  @ApiOperation({ summary: 'One note by id' })
  @ApiOkResponse({ type: NoteDto })
  @ApiNotFoundResponse({ description: 'No note has this id' })
  get(@Param('id') id: string): Promise<NoteDto> {
    return this.notes.get(id);
  }

  @Post()
  @UseGuards(NotesWriterGuard)
  @McpTool({ name: 'rest_create_note', server: 'nestmcp-sample' })
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a note', description: 'Needs "Authorization: Bearer <NOTES_WRITE_KEY>".' })
  @ApiCreatedResponse({ type: NoteDto })
  @ApiUnauthorizedResponse({ description: 'No or a wrong write key' })
  create(@Body() input: CreateNoteDto): Promise<NoteDto> {
    return this.notes.create(input);
  }
}
