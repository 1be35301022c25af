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
