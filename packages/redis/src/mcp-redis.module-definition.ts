import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { McpRedisOptions } from './redis-stores.options.js';

export const { ConfigurableModuleClass: McpRedisConfigurableModule, MODULE_OPTIONS_TOKEN: MCP_REDIS_OPTIONS } = new ConfigurableModuleBuilder<McpRedisOptions>({
  moduleName: 'McpRedis',
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
