import { Injectable, type INestApplication } from '@nestjs/common';
import { Client as ClientV2, StreamableHTTPClientTransport as StreamableHTTPClientTransportV2 } from '@modelcontextprotocol/client';
import { McpModule, McpPrompt, McpTool, type McpModuleOptions } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { startApp } from './fixtures/app.js';

/**
 * Issue 11 point 8 (DTO inputs): properties a class-validator DTO does not declare never reach the method. They
 * are stripped, as `ValidationPipe({ whitelist: true })` does, or refused with -32602 under
 * `dtoValidation: { forbidNonWhitelisted: true }`, on both protocol revisions.
 */
class PrefsDto {
  @IsOptional()
  @IsBoolean()
  dark?: boolean;
}

class ProfileDto {
  @IsString()
  name!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => PrefsDto)
  prefs?: PrefsDto;
}

@Injectable()
class ProfileTools {
  @McpTool({ description: 'What the method was given', input: ProfileDto })
  save(profile: ProfileDto) {
    return JSON.stringify({ profile, isDto: profile instanceof ProfileDto });
  }

  @McpPrompt({ description: 'Greets', args: ProfileDto })
  greet(profile: ProfileDto) {
    return `keys: ${Object.keys(profile).join(',')}`;
  }
}

const sneaky = { name: 'alice', isAdmin: true, prefs: { dark: true, role: 'root' } };

async function modernClient(url: URL): Promise<ClientV2> {
  const client = new ClientV2({ name: 'dto-test', version: '1.0.0' }, { capabilities: {}, versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransportV2(url));
  return client;
}

const textOf = (result: Record<string, unknown>) => (result.content as { text: string }[])[0].text;

describe.each([
  ['strips undeclared properties (default)', {}],
  ['refuses undeclared properties with forbidNonWhitelisted', { dtoValidation: { forbidNonWhitelisted: true } }],
] as [string, Partial<McpModuleOptions>][])('DTO inputs: %s', (_name, options) => {
  const refuse = options.dtoValidation?.forbidNonWhitelisted === true;
  let app: INestApplication;
  let url: (path?: string) => URL;
  beforeAll(async () => {
    ({ app, url } = await startApp({ imports: [McpModule.forRoot({ name: 'dto', version: '1.0.0', ...options })], providers: [ProfileTools] }));
  });
  afterAll(() => app.close());

  it('on the 2025-11-25 path', async () => {
    const client = await createMcpClient(app);
    const call = client.callTool({ name: 'save', arguments: sneaky });
    if (refuse) {
      await expect(call).rejects.toThrow(/^MCP error -32602: Invalid arguments for tool "save": .*"isAdmin".*"prefs\.role"/);
      await expect(client.getPrompt({ name: 'greet', arguments: { name: 'a', extra: 'x' } })).rejects.toThrow(/-32602.*"extra"/);
    } else {
      expect(JSON.parse(textOf(await call))).toEqual({ profile: { name: 'alice', prefs: { dark: true } }, isDto: true });
      const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'a', extra: 'x' } });
      expect((prompt.messages[0].content as { text: string }).text).toBe('keys: name');
    }
    // Declared properties alone always pass.
    expect(JSON.parse(textOf(await client.callTool({ name: 'save', arguments: { name: 'bob' } }))).profile).toEqual({ name: 'bob' });
    await client.close();
  });

  it('on the 2026-07-28 path', async () => {
    const client = await modernClient(url('/mcp'));
    const call = client.callTool({ name: 'save', arguments: sneaky });
    if (refuse) {
      await expect(call).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/^Invalid arguments for tool "save": .*"isAdmin"/) });
    } else {
      expect(JSON.parse(textOf(await call))).toEqual({ profile: { name: 'alice', prefs: { dark: true } }, isDto: true });
    }
    await client.close();
  });
});
