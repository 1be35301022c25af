import type { AccessToken, TokenVerifier } from '../../interfaces/token-verifier.interface.js';

/** What a static token stands for. */
export type StaticTokenGrant = Partial<Omit<AccessToken, 'token'>>;

/**
 * Accepts a fixed set of tokens: for development and tests, never production. Each token maps to what it grants:
 *
 * ```ts
 * auth: { verifier: new StaticTokenVerifier({ 'dev-alice': { subject: 'alice', scopes: ['notes:read'] } }) }
 * ```
 */
export class StaticTokenVerifier implements TokenVerifier {
  private readonly tokens: Map<string, StaticTokenGrant>;

  constructor(tokens: Record<string, StaticTokenGrant> | Map<string, StaticTokenGrant>) {
    this.tokens = tokens instanceof Map ? new Map(tokens) : new Map(Object.entries(tokens));
  }

  verify(token: string): AccessToken | null {
    const grant = this.tokens.get(token);
    if (!grant) return null;
    if (grant.expiresAt !== undefined && grant.expiresAt * 1000 <= Date.now()) return null;
    return { ...grant, token, scopes: grant.scopes ?? [], claims: grant.claims ?? {} };
  }
}
