import { Module, type DynamicModule } from '@nestjs/common';
import { McpModule, type McpStreamableHttpOptions } from '@nestmcp/core';
import { ClientRequestTools } from './client-requests.tools.js';
import { ContentTools } from './content.tools.js';
import { JsonSchemaTools } from './json-schema.tools.js';
import { ModernScenariosTools } from './modern-scenarios.tools.js';
import { NotificationTools } from './notifications.tools.js';
import { ReconnectionTools } from './reconnection.tools.js';
import { TestPrompts } from './test.prompts.js';
import { TestResources } from './test.resources.js';

/** How the fixture serves Streamable HTTP: with sessions and SSE (the default), without sessions, or with JSON bodies. */
export type ConformanceMode = 'stateful' | 'stateless' | 'json';

export const CONFORMANCE_MODES: readonly ConformanceMode[] = ['stateful', 'stateless', 'json'];

const TRANSPORT: Record<ConformanceMode, McpStreamableHttpOptions> = {
  stateful: { path: '/mcp', resumability: { retryMs: 1000 } },
  stateless: { path: '/mcp', stateless: true },
  json: { path: '/mcp', jsonResponse: true },
};

/** Providers of the fixture, one per area, so each can grow on its own. */
export const CONFORMANCE_PROVIDERS = [
  ContentTools,
  NotificationTools,
  ClientRequestTools,
  JsonSchemaTools,
  ReconnectionTools,
  TestResources,
  TestPrompts,
  // The tools the 2026-07-28 scenarios expect (multi-round-trip inputs, list changes, logging gated by _meta).
  ModernScenariosTools,
];

/**
 * The server the official MCP conformance suite (@modelcontextprotocol/conformance) tests: the tools, resources
 * and prompts its server scenarios expect, written with the public API of @nestmcp/core only.
 */
@Module({})
export class ConformanceModule {
  static forMode(mode: ConformanceMode): DynamicModule {
    return {
      module: ConformanceModule,
      imports: [
        McpModule.forRoot({
          name: 'nestmcp-conformance',
          version: '1.0.0',
          transports: { streamableHttp: TRANSPORT[mode] },
        }),
      ],
      providers: CONFORMANCE_PROVIDERS,
    };
  }
}
