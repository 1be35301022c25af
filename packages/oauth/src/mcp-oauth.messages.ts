/** Every text @nestmcp/oauth shows a developer (errors at start-up) or a user (pages). */
export const McpOAuthMessages = {
  issuerNotOrigin: (issuer: string) =>
    `McpOAuthModule: "issuer" must be an absolute http(s) URL without path, query or fragment (the public origin of the app), got "${issuer}".`,
  noLogin: () => 'McpOAuthModule: give "login" (verifyPassword, or fromRequest) or "upstream": nobody could log in.',
  noScopes: () => 'McpOAuthModule: "scopes" must name at least one scope clients may ask for.',
  badScope: (scope: string) => `McpOAuthModule: scope "${scope}" is not a valid OAuth scope token (RFC 6749 §3.3).`,
  unsupportedAdapter: (type: string) =>
    `McpOAuthModule: the authorization server is mounted on the Express or the Fastify adapter; this app's HTTP adapter is "${type}".`,
  alreadyUsed: (kind: string) =>
    `${kind === 'RefreshToken' ? 'refresh token' : kind === 'AuthorizationCode' ? 'authorization code' : kind} already used; its grant is revoked`,
  keysPerProcess: (missing: string[]) =>
    `McpOAuthModule: the stores are shared, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} made at start-up in this process: other replicas will refuse what this one signs. Give the same ${missing.join(' and ')} to every replica.`,
  storeUnavailable: () => 'The authorization server cannot reach its store right now; retry later.',
  registrationRateLimited: () => 'Too many client registrations from this address; try again later.',
  // Pages
  loginTitle: () => 'Sign in',
  loginFailed: () => 'Unknown user name or wrong password.',
  loginRateLimited: (seconds: number) =>
    `Too many failed sign-ins. Try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`,
  consentTitle: () => 'Allow access?',
  csrfRefused: () => 'This form has expired or was not sent by this page. Go back to the application and start again.',
  interactionGone: () => 'This sign-in has expired or was already finished. Go back to the application and start again.',
  upstreamFailed: (detail: string) => `Sign-in with the identity provider failed: ${detail}`,
  outgoingFetchUnguarded: (url: string) =>
    `McpOAuthModule: not fetching ${url}: oidc-provider could not set up its SSRF guard in this runtime (see its warning), and an unguarded fetch could reach internal addresses.`,
  loopbackDocumentRefused: (url: string, reason: string) => `client_id metadata document ${url}: ${reason}`,
};
