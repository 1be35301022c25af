import 'reflect-metadata';
import { IsEmail, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { z } from 'zod';
import { compileObjectSchema, compileSchema, EMPTY_OBJECT_SCHEMA } from './schema.js';

class SignupDto {
  @IsEmail()
  email!: string;

  @IsOptional()
  @IsInt()
  @Min(18)
  age?: number;

  @IsString()
  nickname!: string;
}

describe('compileSchema', () => {
  it('turns a zod object into JSON Schema without $schema and validates with it', async () => {
    const schema = compileSchema(z.object({ q: z.string().min(2), n: z.number().default(3) }), 'test');
    expect(schema.jsonSchema).toEqual({
      type: 'object',
      properties: { q: { type: 'string', minLength: 2 }, n: { type: 'number', default: 3 } },
      required: ['q'],
    });
    expect(await schema.validate({ q: 'hi' })).toEqual({ ok: true, value: { q: 'hi', n: 3 } });
    expect(await schema.validate({ q: 'h' })).toEqual({ ok: false, error: expect.stringMatching(/^q: Too small/) });
  });

  it('accepts a zod shape', async () => {
    const schema = compileSchema({ a: z.number() }, 'test');
    expect(schema.jsonSchema).toMatchObject({ type: 'object', required: ['a'] });
    expect(await schema.validate({ a: 'x' })).toMatchObject({ ok: false, error: expect.stringContaining('a:') });
  });

  it('turns a class-validator DTO into JSON Schema and validates into an instance', async () => {
    const schema = compileSchema(SignupDto, 'test');
    expect(schema.jsonSchema).toMatchObject({
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 18 }, nickname: { type: 'string' } },
      required: ['email', 'nickname'],
    });
    const ok = await schema.validate({ email: 'a@b.co', nickname: 'al' });
    expect(ok.ok && ok.value).toBeInstanceOf(SignupDto);
    const bad = await schema.validate({ email: 'nope', age: 3 });
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('email: email must be an email') });
    expect(bad.ok === false && bad.error).toContain('age: age must not be less than 18');
    expect(bad.ok === false && bad.error).toContain('nickname: nickname must be a string');
    expect(await schema.validate('string')).toEqual({ ok: false, error: '(root): must be an object' });
  });

  it('keeps a JSON Schema object as it is (2020-12 keywords included) and validates with Ajv', async () => {
    const input = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { id: { type: 'string' } },
      properties: { id: { $ref: '#/$defs/id' } },
      required: ['id'],
    };
    const schema = compileSchema(input, 'test');
    expect(schema.jsonSchema).toBe(input);
    expect(await schema.validate({ id: 'x' })).toEqual({ ok: true, value: { id: 'x' } });
    expect((await schema.validate({})).ok).toBe(false);
  });

  it('refuses what is not a schema', () => {
    expect(() => compileSchema(42 as never, 'Tool "x" input')).toThrow('Tool "x" input: the schema must be');
  });
});

describe('compileObjectSchema', () => {
  it('refuses a non-object tool input schema', () => {
    expect(() => compileObjectSchema(z.string(), 'Tool "x" input', 'input')).toThrow(/must describe an object .*"string"/);
  });

  it('adds type: object when a JSON Schema leaves it out', () => {
    expect(compileObjectSchema({ properties: {} }, 'x', 'input').jsonSchema).toEqual({ type: 'object', properties: {} });
  });

  it('has an empty object schema for tools without input', async () => {
    expect(EMPTY_OBJECT_SCHEMA.jsonSchema).toEqual({ type: 'object', properties: {} });
    expect(await EMPTY_OBJECT_SCHEMA.validate(undefined)).toEqual({ ok: true, value: {} });
  });
});
