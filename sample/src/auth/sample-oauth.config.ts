import { timingSafeEqual } from 'node:crypto';
import type { McpOAuthModuleOptions } from '@nestmcp/oauth';

/** The demo user of the sample's login page; change it with SAMPLE_DEMO_USER / SAMPLE_DEMO_PASSWORD. */
export const SAMPLE_DEMO_DEFAULTS = { user: 'alice', password: 'alice' };

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The public URL of the sample: SAMPLE_PUBLIC_URL (a tunnel, a proxy), else http://127.0.0.1:<PORT>. */
export function samplePublicUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.SAMPLE_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/+$/, '');
}

/**
 * The keys every replica must share (the same values on each), from the environment: SAMPLE_OAUTH_SIGNING_KEY, a
 * private JWK as JSON (EC P-256 with `alg: 'ES256'`, or RSA), signs the access tokens; SAMPLE_OAUTH_COOKIE_KEYS,
 * comma-separated, sign the login cookies. Without them, each process makes its own at start-up (fine for one).
 */
export function sampleOAuthKeys(env: NodeJS.ProcessEnv = process.env): Pick<McpOAuthModuleOptions, 'signingKeys' | 'cookieKeys'> {
  let signingKey: Record<string, unknown> | undefined;
  try {
    signingKey = env.SAMPLE_OAUTH_SIGNING_KEY ? (JSON.parse(env.SAMPLE_OAUTH_SIGNING_KEY) as Record<string, unknown>) : undefined;
  } catch (error) {
    throw new Error(`SAMPLE_OAUTH_SIGNING_KEY must be a private JWK as JSON (${(error as Error).message})`, { cause: error });
  }
  const cookieKeys = env.SAMPLE_OAUTH_COOKIE_KEYS?.split(',').filter(Boolean);
  return { ...(signingKey && { signingKeys: [signingKey] }), ...(cookieKeys?.length && { cookieKeys }) };
}

/**
 * The sample's authorization server (McpOAuthModule), read from the environment when the app starts: issuer
 * SAMPLE_PUBLIC_URL (default http://127.0.0.1:3000), a demo login (user `alice`, password `alice`, or
 * SAMPLE_DEMO_USER / SAMPLE_DEMO_PASSWORD), and client ID metadata documents on http loopback URLs accepted
 * (`allowLoopbackForDevelopment`: a development option, on here so local clients and tests can use CIMD).
 */
export function sampleOAuthOptions(env: NodeJS.ProcessEnv = process.env): McpOAuthModuleOptions {
  const user = env.SAMPLE_DEMO_USER ?? SAMPLE_DEMO_DEFAULTS.user;
  const password = env.SAMPLE_DEMO_PASSWORD ?? SAMPLE_DEMO_DEFAULTS.password;
  return {
    issuer: samplePublicUrl(env),
    scopes: ['notes:read', 'notes:write'],
    login: {
      verifyPassword: (username, given) => (same(username, user) && same(given, password) ? { subject: username, name: username } : null),
    },
    clientIdMetadataDocuments: { allowLoopbackForDevelopment: true },
    // Behind a tunnel or proxy, its X-Forwarded-Proto / -Host name the public URL.
    trustProxy: env.SAMPLE_PUBLIC_URL !== undefined,
    ...sampleOAuthKeys(env),
  };
}
