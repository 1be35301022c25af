import { Injectable, Module } from '@nestjs/common';
import { getAccessToken, McpModule, McpTool, RequireScopes } from '@nestmcp/core';

@Injectable()
export class SecureWeatherTools {
  @McpTool({ description: 'Who is asking' })
  whoami() {
    return getAccessToken()?.subject ?? 'nobody';
  }

  @RequireScopes('weather:admin')
  @McpTool({ description: 'Clears the forecast cache' })
  clear_cache() {
    return 'cleared';
  }
}

@Module({
  imports: [
    McpModule.forRoot({
      name: 'weather',
      version: '1.0.0',
      auth: { jwt: { secret: process.env.JWT_SECRET ?? 'test-secret-of-32-bytes-or-more!!', issuer: 'https://idp.test', audience: 'weather' } },
    }),
  ],
  providers: [SecureWeatherTools],
})
export class SecureWeatherModule {}
