import { describeMcpOAuthClientStore, describeMcpOAuthConsentStore, describeMcpOAuthTokenStore, describeMcpOAuthUpstreamTokenStore } from '../testing/index.js';
import { InMemoryClientStore } from './in-memory-client-store.js';
import { InMemoryTokenStore } from './in-memory-token-store.js';
import { InMemoryConsentStore } from './in-memory-consent-store.js';
import { InMemoryUpstreamTokenStore } from './in-memory-upstream-token-store.js';

describeMcpOAuthClientStore('InMemoryClientStore', () => new InMemoryClientStore());
describeMcpOAuthTokenStore('InMemoryTokenStore', () => new InMemoryTokenStore());
describeMcpOAuthConsentStore('InMemoryConsentStore', () => new InMemoryConsentStore());
describeMcpOAuthUpstreamTokenStore('InMemoryUpstreamTokenStore', () => new InMemoryUpstreamTokenStore());
