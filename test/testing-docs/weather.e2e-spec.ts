// weather.e2e-spec.ts: unit-style, in memory. No port; every call goes through the same pipeline as over HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { createMcpTestClient, type McpTestClient } from '@nestmcp/core/testing';
import { WeatherModule } from '../getting-started/weather.module.js';

describe('weather tools (in memory)', () => {
  let moduleRef: TestingModule;
  let mcp: McpTestClient;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [WeatherModule] }).compile();
    await moduleRef.init();
    mcp = await createMcpTestClient(moduleRef, { headers: { 'accept-language': 'nb' } });
  });
  afterAll(async () => {
    await mcp.close();
    await moduleRef.close();
  });

  it('forecasts', async () => {
    expect(await mcp.callTool('forecast', { city: 'Oslo' })).toBe('Sunny in Oslo for the next 3 days');
    expect((await mcp.listTools()).map((tool) => tool.name)).toEqual(['forecast']);
  });

  it('refuses bad arguments with the validation error', async () => {
    await expect(mcp.callTool('forecast', { city: 'Oslo', days: 30 })).rejects.toThrow(/days/);
  });
});
