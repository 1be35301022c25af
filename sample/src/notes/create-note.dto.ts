import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * Input of the create_note tool (a class-validator DTO, turned into the tool's JSON Schema) and body of
 * `POST /api/notes` (its `@ApiProperty()` documents it for Swagger and describes the rest_create_note tool).
 */
export class CreateNoteDto {
  @ApiProperty({ description: 'Title of the note', maxLength: 200, example: 'Groceries' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ description: 'Text of the note' })
  @IsString()
  body!: string;

  @ApiPropertyOptional({ type: [String], description: 'Tags, e.g. ["home"]' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[];
}
