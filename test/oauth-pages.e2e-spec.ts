import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'puppeteer-core';
import { startOAuthApp } from './fixtures/oauth/oauth-app.js';
import { launchChromium } from './fixtures/oauth/browser.js';
import { authorizationUrl, exchangeCode, pkcePair, registerClient } from './fixtures/oauth/pkce.js';
import { INITIALIZE, post } from './fixtures/auth/http.js';

/** DOM elements as the page functions see them (the tests compile without the DOM library). */
type Field = { value: string };
type Styled = { getComputedStyle(element: unknown): { maxWidth: string } };

/**
 * The login and consent pages in a real browser (Debian's Chromium, headless): a person's path through them, the
 * page's security headers, no script, and CSRF refusal (a forged token, and a form posted from another site).
 */
describe('@nestmcp/oauth: login and consent pages in Chromium', () => {
  let app: INestApplication;
  let base: string;
  let url: (path?: string) => URL;
  let browser: Browser;
  let callback: { server: Server; uri: string };
  let attacker: { server: Server; origin: string; forms: Map<string, string> };
  let clientId: string;

  beforeAll(async () => {
    ({ app, base, url } = await startOAuthApp());
    browser = await launchChromium();
    // The client's redirect URI: a page that says it got a code.
    const callbackServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<title>callback</title>got it'));
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callback = { server: callbackServer, uri: `http://127.0.0.1:${(callbackServer.address() as { port: number }).port}/callback` };
    // Another site (localhost is another site than 127.0.0.1) with a form that posts to the authorization server.
    const forms = new Map<string, string>();
    const attackerServer = createServer((request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(forms.get(request.url ?? '') ?? ''));
    await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
    attacker = { server: attackerServer, origin: `http://localhost:${(attackerServer.address() as { port: number }).port}`, forms };
    clientId = await registerClient(base, callback.uri, 'Browser Test Client');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app.close();
    await new Promise((resolve) => callback.server.close(resolve));
    await new Promise((resolve) => attacker.server.close(resolve));
  });

  /** A fresh browser profile (no cookies) on the authorization URL. */
  async function open(scope = 'notes:read'): Promise<{ page: Page; verifier: string; status: number; headers: Record<string, string> }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const { verifier, challenge } = pkcePair();
    const response = await page.goto(authorizationUrl(base, { clientId, redirectUri: callback.uri, resource: url().href, scope, challenge }).href);
    return { page, verifier, status: response!.status(), headers: response!.headers() };
  }

  async function signIn(page: Page, username: string, password: string): Promise<number> {
    await page.type('#username', username);
    await page.type('#password', password);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
    return response!.status();
  }

  it('logs in, shows the client, scopes and resource, and redirects back with a code that works', async () => {
    const { page, verifier, status, headers } = await open();
    expect(status).toBe(200);
    expect(await page.title()).toBe('Sign in');
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(await page.$$('script')).toHaveLength(0);
    expect(await page.$eval('body', (body) => body.textContent)).toContain('Browser Test Client');
    // The stylesheet loads under the policy (style-src 'self').
    expect(await page.$eval('main', (main) => (globalThis as unknown as Styled).getComputedStyle(main).maxWidth)).toBe('416px');

    expect(await signIn(page, 'alice', 'alice')).toBe(200);
    expect(await page.title()).toBe('Allow access?');
    expect(await page.$$('script')).toHaveLength(0);
    expect(await page.$$eval('#scopes li', (items) => items.map((item) => item.textContent))).toEqual(['notes:read']);
    expect(await page.$$eval('#resources li', (items) => items.map((item) => item.textContent))).toEqual([url().href]);
    expect(await page.$eval('body', (body) => body.textContent)).toContain('alice');

    await Promise.all([page.waitForNavigation(), page.click('#allow')]);
    const back = new URL(page.url());
    expect(back.href.startsWith(callback.uri)).toBe(true);
    expect(back.searchParams.get('iss')).toBe(base);
    expect(back.searchParams.get('state')).toBe('st');
    const tokens = await exchangeCode(base, { clientId, redirectUri: callback.uri, code: back.searchParams.get('code')!, verifier, resource: url().href });
    expect(tokens.status).toBe(200);
    expect((await post(url(), INITIALIZE, { authorization: `Bearer ${tokens.body.access_token}` })).status).toBe(200);
    await page.browserContext().close();
  });

  it('says so on a wrong password, lets the person try again, and remembers their consent', async () => {
    const { page } = await open();
    expect(await signIn(page, 'alice', 'nope')).toBe(401);
    expect(await page.$eval('.error', (error) => error.textContent)).toBe('Unknown user name or wrong password.');
    expect(await page.$eval('#username', (input) => (input as unknown as Field).value)).toBe('alice');
    await page.type('#password', 'alice');
    await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
    // alice allowed this client in the first case: no consent page this time.
    expect(await page.title()).toBe('callback');
    expect(new URL(page.url()).searchParams.get('code')).toEqual(expect.any(String));
    await page.browserContext().close();
  });

  it('refuses a login form with a forged CSRF token', async () => {
    const { page } = await open();
    await page.$eval('input[name=csrf]', (input) => ((input as unknown as Field).value = 'forged-token-forged-tok'));
    expect(await signIn(page, 'alice', 'alice')).toBe(403);
    expect(await page.$eval('.error', (error) => error.textContent)).toContain('expired or was not sent by this page');
    await page.browserContext().close();
  });

  it('refuses a form another site makes the browser post (its cookies stay home, the token is unknown)', async () => {
    const { page } = await open();
    const loginPage = page.url();
    const action = await page.$eval('form', (form) => (form as unknown as { action: string }).action);
    attacker.forms.set(
      '/attack',
      `<title>attack</title><form method="post" action="${action}"><input name="username" value="alice"><input name="password" value="alice"><input name="csrf" value="guess"><button id="go">go</button></form>`,
    );
    await page.goto(`${attacker.origin}/attack`);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#go')]);
    // The interaction cookie (SameSite=Lax) is not sent with another site's POST: the post finds no sign-in.
    expect(response!.status()).toBe(400);
    expect(await page.$eval('.error', (error) => error.textContent)).toContain('expired or was already finished');
    // Nobody was logged in: the person's own page still asks them to sign in.
    await page.goto(loginPage);
    expect(await page.title()).toBe('Sign in');
    await page.browserContext().close();
  });

  it('refuses a consent form with a forged token, and sends the person back with access_denied on Deny', async () => {
    const { page } = await open('notes:read notes:write');
    await signIn(page, 'bob', 'bob');
    await page.$eval('form[action$="/consent"] input[name=csrf]', (input) => ((input as unknown as Field).value = 'forged'));
    const [forged] = await Promise.all([page.waitForNavigation(), page.click('#allow')]);
    expect(forged!.status()).toBe(403);
    await page.goBack();
    await page.reload();
    await Promise.all([page.waitForNavigation(), page.click('#deny')]);
    const back = new URL(page.url());
    expect(back.href.startsWith(callback.uri)).toBe(true);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    await page.browserContext().close();
  });
});
