import { Injectable, Module } from '@nestjs/common';
import { McpModule, McpTool } from '@nestmcp/core';
import { z } from 'zod';

const Forecast = z.object({ city: z.string().describe('City name'), days: z.number().int().min(1).max(7).default(3) });

@Injectable()
export class WeatherTools {
  @McpTool({ description: 'Forecast for a city', input: Forecast, annotations: { readOnlyHint: true } })
  forecast({ city, days }: z.infer<typeof Forecast>) {
    return `Sunny in ${city} for the next ${days} days`;
  }
}

@Module({
  imports: [McpModule.forRoot({ name: 'weather', version: '1.0.0' })],
  providers: [WeatherTools],
})
export class WeatherModule {}
