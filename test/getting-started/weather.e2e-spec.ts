// test/weather.e2e-spec.ts: the app on a real port, the SDK client over real HTTP
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createMcpClient } from '@nestmcp/core/testing';
import { WeatherModule } from './weather.module.js';

describe('weather tools', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [WeatherModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  it('forecasts', async () => {
    const client = await createMcpClient(app); // path defaults to /mcp; headers: { authorization: `Bearer ${token}` }
    const result = await client.callTool({ name: 'forecast', arguments: { city: 'Oslo' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Sunny in Oslo for the next 3 days' }]);
    await client.close();
  });
});
