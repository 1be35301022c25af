import { ApiProperty } from '@nestjs/swagger';

/** A note as the REST API answers it (documented for Swagger; also the output schema of the REST tools). */
export class NoteDto {
  @ApiProperty({ description: 'Id of the note', example: '1' })
  id!: string;

  @ApiProperty({ example: 'Groceries' })
  title!: string;

  @ApiProperty({ example: 'Milk, eggs, coffee.' })
  body!: string;

  @ApiProperty({ type: [String], example: ['home'] })
  tags!: string[];

  @ApiProperty({ description: 'When the note was created (ISO 8601)', format: 'date-time' })
  createdAt!: string;
}
