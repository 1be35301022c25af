import type { INestApplication } from '@nestjs/common';
import { startOAuthApp, DEMO_USERS } from './fixtures/oauth/oauth-app.js';
import { CookieJar, formOf } from './fixtures/oauth/form-login.js';
import { authorizationUrl, pkcePair, registerClient } from './fixtures/oauth/pkce.js';

const REDIRECT = 'http://127.0.0.1:33418/callback';

/** A browser (its own cookies) opened on an authorization URL, at the page it lands on. */
async function openPage(base: string, clientId: string, resource: string, jar = new CookieJar(), scope = 'notes:read') {
  let at = authorizationUrl(base, { clientId, redirectUri: REDIRECT, resource, scope, challenge: pkcePair().challenge });
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(at, { redirect: 'manual', headers: { cookie: jar.header(at) } });
    jar.take(response, at);
    const location = response.headers.get('location');
    if (location) {
      at = new URL(location, at);
      continue;
    }
    return { jar, url: at, status: response.status, headers: response.headers, html: await response.text() };
  }
  throw new Error('too many redirects');
}

/** Posts a form of a page as that browser. */
async function submit(jar: CookieJar, action: URL, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header(action), ...headers },
    body: new URLSearchParams(fields),
  });
  jar.take(response, action);
  return { status: response.status, location: response.headers.get('location'), retryAfter: response.headers.get('retry-after'), html: await response.text() };
}

/** The login page of a new browser, and a function that posts its login form with a user name and password. */
async function loginPage(base: string, clientId: string, resource: string, headers: Record<string, string> = {}) {
  const page = await openPage(base, clientId, resource);
  const form = formOf(page.html, '/login')!;
  const action = new URL(form.action, page.url);
  return { ...page, form, signIn: (username: string, password: string) => submit(page.jar, action, { ...form.fields, username, password }, headers) };
}

/**
 * Adversarial review of the login form: guessing passwords. The form had no limit at all; now failed sign-ins are
 * counted per user name and per client address, and past either limit the form answers 429 without asking the
 * password check.
 */
describe('@nestmcp/oauth under attack: password guessing at the login form', () => {
  let app: INestApplication;
  let base: string;
  let resource: string;
  let clientId: string;
  const checked: string[] = [];

  beforeAll(async () => {
    const verifyPassword = (username: string, password: string) => {
      checked.push(username);
      return DEMO_USERS[username] === password ? { subject: username } : null;
    };
    let url: (path?: string) => URL;
    ({ app, base, url } = await startOAuthApp({ login: { verifyPassword } }));
    resource = url().href;
    clientId = await registerClient(base, REDIRECT, 'Guessing Client');
  });
  afterAll(() => app.close());

  it('by default, after 5 wrong passwords for a user name, refuses even the right one (429, Retry-After, a form error) without checking it', async () => {
    const page = await loginPage(base, clientId, resource);
    for (let guess = 0; guess < 5; guess++) expect((await page.signIn('alice', `guess-${guess}`)).status).toBe(401);
    checked.length = 0;
    // Other spellings of the name count as the same user.
    for (const name of ['alice', 'Alice', ' ALICE ']) {
      const refused = await page.signIn(name, 'alice');
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toMatch(/^\d+$/);
      expect(refused.html).toContain('Too many failed sign-ins. Try again in');
      expect(refused.html).toContain('name="password"'); // the form, to try later
      expect(refused.location).toBeNull();
    }
    expect(checked).toEqual([]);
    // Another browser does not escape it; another user is not locked out by alice's attacker.
    expect((await (await loginPage(base, clientId, resource)).signIn('alice', 'alice')).status).toBe(429);
    const bob = await (await loginPage(base, clientId, resource)).signIn('bob', 'bob');
    expect(bob.status).toBe(303);
    expect(checked).toEqual(['bob']);
  });

  it('a successful sign-in clears the user name\'s count', async () => {
    const page = await loginPage(base, clientId, resource);
    for (let guess = 0; guess < 4; guess++) expect((await page.signIn('bob', `guess-${guess}`)).status).toBe(401);
    expect((await page.signIn('bob', 'bob')).status).toBe(303);
    const again = await loginPage(base, clientId, resource);
    for (let guess = 0; guess < 4; guess++) expect((await again.signIn('bob', `guess-${guess}`)).status).toBe(401);
    expect((await again.signIn('bob', 'bob')).status).toBe(303);
  });
});

describe('@nestmcp/oauth under attack: password guessing, limits per address, configured', () => {
  let app: INestApplication;
  let base: string;
  let resource: string;
  let clientId: string;

  beforeAll(async () => {
    let url: (path?: string) => URL;
    const verifyPassword = (username: string, password: string) => (DEMO_USERS[username] === password ? { subject: username } : null);
    ({ app, base, url } = await startOAuthApp({ login: { verifyPassword, rateLimit: { perUsername: 100, perAddress: 3, windowMs: 60_000 } } }));
    resource = url().href;
    clientId = await registerClient(base, REDIRECT, 'Spraying Client');
  });
  afterAll(() => app.close());

  it('counts one address\'s failures over every user name it tries (password spraying)', async () => {
    const page = await loginPage(base, clientId, resource);
    for (const name of ['carol', 'dave', 'erin']) expect((await page.signIn(name, 'password1')).status).toBe(401);
    const refused = await page.signIn('alice', 'alice');
    expect(refused.status).toBe(429);
    expect(refused.html).toContain('Too many failed sign-ins.');
  });
});

describe('@nestmcp/oauth: the login form without a limit (rateLimit: false)', () => {
  let app: INestApplication;
  let base: string;
  let resource: string;
  let clientId: string;

  beforeAll(async () => {
    let url: (path?: string) => URL;
    const verifyPassword = (username: string, password: string) => (DEMO_USERS[username] === password ? { subject: username } : null);
    ({ app, base, url } = await startOAuthApp({ login: { verifyPassword, rateLimit: false } }));
    resource = url().href;
    clientId = await registerClient(base, REDIRECT, 'Unlimited Client');
  });
  afterAll(() => app.close());

  it('checks every attempt', async () => {
    const page = await loginPage(base, clientId, resource);
    for (let guess = 0; guess < 8; guess++) expect((await page.signIn('alice', `guess-${guess}`)).status).toBe(401);
    expect((await page.signIn('alice', 'alice')).status).toBe(303);
  });
});

/**
 * Adversarial review of the login and consent pages: forged and crossed form tokens, consent of one client used
 * for another, framing, and markup smuggled in through what a client names itself (DCR, a metadata document) or
 * the resource it asks for. All of it held; these stay as regression tests.
 */
describe('@nestmcp/oauth under attack: the login and consent pages', () => {
  let app: INestApplication;
  let base: string;
  let resource: string;
  let clientA: string;
  let clientB: string;
  const EVIL = `<img src=x onerror="alert(1)">'"&</title><script>alert(2)</script>`;

  beforeAll(async () => {
    let url: (path?: string) => URL;
    ({ app, base, url } = await startOAuthApp());
    resource = url().href;
    clientA = await registerClient(base, REDIRECT, 'Client A');
    clientB = await registerClient(base, REDIRECT, 'Client B');
  });
  afterAll(() => app.close());

  /** A browser logged in as alice, at client `clientId`'s consent page. */
  async function consentPage(clientId: string, jar = new CookieJar(), scope = 'notes:read') {
    const login = await openPage(base, clientId, resource, jar, scope);
    const form = formOf(login.html, '/login');
    if (!form) return { ...login, form: formOf(login.html, '/consent')! };
    const answer = await submit(jar, new URL(form.action, login.url), { ...form.fields, username: 'alice', password: 'alice' });
    let at = new URL(answer.location!, login.url);
    for (let hop = 0; hop < 5; hop++) {
      const response = await fetch(at, { redirect: 'manual', headers: { cookie: jar.header(at) } });
      jar.take(response, at);
      const location = response.headers.get('location');
      if (!location) {
        const html = await response.text();
        return { jar, url: at, status: response.status, headers: response.headers, html, form: formOf(html, '/consent')! };
      }
      at = new URL(location, at);
    }
    throw new Error('too many redirects');
  }

  it('refuses a form token of another browser\'s sign-in, and one of another sign-in of the same browser', async () => {
    const attacker = await openPage(base, clientA, resource);
    const victim = await openPage(base, clientA, resource);
    const victimForm = formOf(victim.html, '/login')!;
    const attackerToken = formOf(attacker.html, '/login')!.fields.csrf;
    const crossed = await submit(victim.jar, new URL(victimForm.action, victim.url), { csrf: attackerToken, username: 'alice', password: 'alice' });
    expect(crossed.status).toBe(403);
    // One browser, two sign-ins in flight: the token of one is no good for the other.
    const second = await openPage(base, clientB, resource, victim.jar);
    const secondForm = formOf(second.html, '/login')!;
    expect((await submit(victim.jar, new URL(secondForm.action, second.url), { csrf: victimForm.fields.csrf, username: 'alice', password: 'alice' })).status).toBe(403);
    // Without any token, or with an empty one.
    expect((await submit(victim.jar, new URL(victimForm.action, victim.url), { username: 'alice', password: 'alice' })).status).toBe(403);
    expect((await submit(victim.jar, new URL(victimForm.action, victim.url), { csrf: '', username: 'alice', password: 'alice' })).status).toBe(403);
  });

  it('a consent for client A is not one for client B: not its form, not its remembered answer', async () => {
    const jar = new CookieJar();
    const forA = await consentPage(clientA, jar);
    const forB = await consentPage(clientB, jar);
    expect(forA.html).toContain('Client A');
    expect(forB.html).toContain('Client B');
    // A's answer posted to B's interaction: refused.
    expect((await submit(jar, new URL(forB.form.action, forB.url), forA.form.fields)).status).toBe(403);
    // A allowed; B still asks (the remembered consent is per client).
    const allowed = await submit(jar, new URL(forA.form.action, forA.url), forA.form.fields);
    expect(allowed.status).toBe(303);
    const again = await consentPage(clientB, new CookieJar());
    expect(again.html).toContain('Allow access?');
    expect(again.html).toContain('Client B');
  });

  it('sends every page with no framing, no script and no caching', async () => {
    const login = await openPage(base, clientA, resource);
    const consent = await consentPage(clientB, new CookieJar(), 'notes:write');
    const error = await fetch(authorizationUrl(base, { clientId: 'nobody', redirectUri: REDIRECT, resource, scope: 'notes:read', challenge: pkcePair().challenge }));
    const gone = await fetch(new URL('/oauth/interaction/nope', base));
    for (const headers of [login.headers, consent.headers, error.headers, gone.headers]) {
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(headers.get('content-security-policy')).not.toMatch(/script-src/);
      expect(headers.get('cache-control')).toBe('no-store');
    }
  });

  it('shows a client\'s name and URI, however hostile, as text; refuses a javascript: client_uri or logo_uri', async () => {
    for (const field of ['client_uri', 'logo_uri', 'policy_uri', 'tos_uri']) {
      const refused = await fetch(new URL('/oauth/register', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'x', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', [field]: 'javascript:alert(1)' }),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_client_metadata' });
    }
    const registered = await fetch(new URL('/oauth/register', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: EVIL, client_uri: `https://client.example/"><script>alert(3)</script>`, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
    });
    expect(registered.status).toBe(201);
    const { client_id: evil } = (await registered.json()) as { client_id: string };
    const login = await openPage(base, evil, resource);
    const consent = await consentPage(evil);
    for (const html of [login.html, consent.html]) {
      expect(html).not.toMatch(/<script|<img|onerror="/i);
      expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&quot;&amp;&lt;/title&gt;&lt;script&gt;');
    }
  });

  it('shows a resource with markup in it as text', async () => {
    const hostile = `${base}/secure/mcp?"><script>alert(1)</script><a href="javascript:x">`;
    const login = await openPage(base, clientA, hostile);
    const form = formOf(login.html, '/login')!;
    const answer = await submit(login.jar, new URL(form.action, login.url), { ...form.fields, username: 'alice', password: 'alice' });
    let at = new URL(answer.location!, login.url);
    let html = '';
    for (let hop = 0; hop < 5 && !html; hop++) {
      const response = await fetch(at, { redirect: 'manual', headers: { cookie: login.jar.header(at) } });
      login.jar.take(response, at);
      const location = response.headers.get('location');
      if (location) at = new URL(location, at);
      else html = await response.text();
    }
    expect(html).toContain('Allow access?');
    expect(html).not.toMatch(/<script|<a href/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
