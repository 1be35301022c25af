import { Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { MCP_REDIS_OPTIONS, McpRedisConfigurableModule } from './mcp-redis.module-definition.js';
import { McpRedisStores } from './redis-stores.js';
import type { McpRedisOptions } from './redis-stores.options.js';

const logger = new Logger('McpRedisModule');

/**
 * Makes the Redis stores once for the app (`McpRedisStores`, injectable) and closes them when the app shuts down,
 * after the MCP servers have dropped their connections. Global by default.
 *
 * ```ts
 * imports: [
 *   McpRedisModule.forRootAsync({ useFactory: (config: ConfigService) => ({ url: config.get('REDIS_URL') }), inject: [ConfigService] }),
 *   McpModule.forRootAsync({ useFactory: (stores: McpRedisStores) => ({ name: 'notes', version: '1.0.0', stores }), inject: [McpRedisStores] }),
 * ]
 * ```
 */
@Module({
  providers: [
    {
      provide: McpRedisStores,
      useFactory: async (options: McpRedisOptions) => {
        const stores = new McpRedisStores(options);
        // Redis away at start: the app starts anyway, requests that need Redis get 503s until it is back.
        if (!(await stores.whenReady(options.commandTimeoutMs ?? 2000))) logger.warn('Redis is not reachable yet; retrying in the background');
        return stores;
      },
      inject: [MCP_REDIS_OPTIONS],
    },
  ],
  exports: [McpRedisStores],
})
export class McpRedisModule extends McpRedisConfigurableModule implements OnApplicationShutdown {
  constructor(@Inject(McpRedisStores) private readonly stores: McpRedisStores) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stores.close();
  }
}
