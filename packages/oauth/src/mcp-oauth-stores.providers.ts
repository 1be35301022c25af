import { Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { MCP_OAUTH_MODULE_OPTIONS } from './mcp-oauth.module-definition.js';
import type { McpOAuthModuleOptions } from './interfaces/mcp-oauth-options.interface.js';
import { McpOAuthClientStore } from './stores/mcp-oauth-client-store.js';
import { McpOAuthTokenStore } from './stores/mcp-oauth-token-store.js';
import { McpOAuthConsentStore } from './stores/mcp-oauth-consent-store.js';
import { McpOAuthUpstreamTokenStore } from './stores/mcp-oauth-upstream-token-store.js';
import { InMemoryClientStore } from './stores/in-memory-client-store.js';
import { InMemoryTokenStore } from './stores/in-memory-token-store.js';
import { InMemoryConsentStore } from './stores/in-memory-consent-store.js';
import { InMemoryUpstreamTokenStore } from './stores/in-memory-upstream-token-store.js';

/** The default stores this module made, closed when the app shuts down (stores given in the options are the caller's). */
@Injectable()
export class McpOAuthOwnedStores implements OnApplicationShutdown {
  private readonly owned: { close?(): Promise<void> }[] = [];

  own<T extends { close?(): Promise<void> }>(given: T | undefined, make: () => T): T {
    if (given) return given;
    const made = make();
    this.owned.push(made);
    return made;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.owned.splice(0).map((store) => store.close?.()));
  }
}

const inject = [MCP_OAUTH_MODULE_OPTIONS, McpOAuthOwnedStores];

/**
 * The stores of the authorization server: the ones given in `stores`, else in-memory defaults. Replace one in tests
 * with `overrideProvider(McpOAuthTokenStore).useValue(...)`.
 */
export const mcpOAuthStoreProviders: Provider[] = [
  McpOAuthOwnedStores,
  {
    provide: McpOAuthClientStore,
    useFactory: (options: McpOAuthModuleOptions, owned: McpOAuthOwnedStores) => owned.own(options.stores?.clients, () => new InMemoryClientStore()),
    inject,
  },
  {
    provide: McpOAuthTokenStore,
    useFactory: (options: McpOAuthModuleOptions, owned: McpOAuthOwnedStores) => owned.own(options.stores?.tokens, () => new InMemoryTokenStore()),
    inject,
  },
  {
    provide: McpOAuthConsentStore,
    useFactory: (options: McpOAuthModuleOptions, owned: McpOAuthOwnedStores) => owned.own(options.stores?.consents, () => new InMemoryConsentStore()),
    inject,
  },
  {
    provide: McpOAuthUpstreamTokenStore,
    useFactory: (options: McpOAuthModuleOptions, owned: McpOAuthOwnedStores) =>
      owned.own(options.stores?.upstreamTokens, () => new InMemoryUpstreamTokenStore()),
    inject,
  },
];
