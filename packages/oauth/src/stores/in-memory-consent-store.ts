import type { McpOAuthConsent, McpOAuthConsentStore } from './mcp-oauth-consent-store.js';
import { ExpiringMap } from './expiring-map.js';

const keyOf = (subject: string, clientId: string) => JSON.stringify([subject, clientId]);

/** Consents in this process's memory (the default). */
export class InMemoryConsentStore implements McpOAuthConsentStore {
  private readonly consents = new ExpiringMap<McpOAuthConsent>();

  async find(subject: string, clientId: string): Promise<McpOAuthConsent | undefined> {
    return this.consents.get(keyOf(subject, clientId));
  }

  async save(consent: McpOAuthConsent): Promise<void> {
    this.consents.set(keyOf(consent.subject, consent.clientId), consent);
  }

  async delete(subject: string, clientId: string): Promise<void> {
    this.consents.delete(keyOf(subject, clientId));
  }

  async close(): Promise<void> {
    this.consents.clear();
  }
}
