import { Injectable } from '@nestjs/common';
import { McpTool, type McpContext } from '@nestmcp/core';
import { z } from 'zod';

const Forecast = z.object({ city: z.string(), days: z.number().int().min(1).max(7).default(3) });

@Injectable()
export class WeatherTools {
  @McpTool({ description: 'Forecast for a city', input: Forecast })
  forecast({ city, days }: z.infer<typeof Forecast>, ctx: McpContext): string {
    return `Sunny in ${city} for ${days} days (${ctx.method})`;
  }
}
