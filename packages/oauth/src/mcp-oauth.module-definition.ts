import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { McpOAuthModuleOptions } from './interfaces/mcp-oauth-options.interface.js';

export const {
  ConfigurableModuleClass: McpOAuthConfigurableModule,
  MODULE_OPTIONS_TOKEN: MCP_OAUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: MCP_OAUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: MCP_OAUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<McpOAuthModuleOptions>({ moduleName: 'McpOAuth' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
