import { IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Input of the create_note tool: a class-validator DTO, turned into the tool's JSON Schema. */
export class CreateNoteDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @IsString()
  body!: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[];
}
