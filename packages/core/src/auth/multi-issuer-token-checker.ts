import type { McpTokenCheck, McpTokenChecker } from './token-check.js';

/** The `iss` of a JWT, read without verifying it (only to pick the entry that will verify it), or undefined. */
function unverifiedIssuer(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const iss = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** One `auth.jwt` entry: its checker and the issuers it accepts (none: any). */
export interface McpIssuerChecker {
  readonly issuers: readonly string[];
  readonly checker: McpTokenChecker;
}

/**
 * Tokens of several issuers (`auth.jwt` as a list): each is verified by the entry whose issuer is the token's
 * `iss`, else by an entry that names no issuer, else by the first (which refuses it as of the wrong issuer). The
 * `iss` is only used to choose: the chosen entry verifies signature, issuer and audience as if it were alone.
 */
export function multiIssuerTokenChecker(entries: readonly McpIssuerChecker[]): McpTokenChecker {
  if (entries.length === 1) return entries[0].checker;
  return {
    check(token: string, request: unknown): Promise<McpTokenCheck> {
      const iss = unverifiedIssuer(token);
      const entry =
        entries.find((candidate) => iss !== undefined && candidate.issuers.includes(iss)) ??
        entries.find((candidate) => candidate.issuers.length === 0) ??
        entries[0];
      return entry.checker.check(token, request);
    },
  };
}
