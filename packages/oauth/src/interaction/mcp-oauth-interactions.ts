import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { McpOAuthMessages } from '../mcp-oauth.messages.js';
import { McpOAuthServer } from '../provider/mcp-oauth-server.js';
import { guarded } from '../provider/oidc-store-adapter.js';
import { formBody } from './form-body.js';
import { CsrfToken } from './csrf-token.js';
import { consentPage, loginPage, messagePage, type ClientView } from '../pages/interaction-pages.js';
import { PAGE_HEADERS } from '../pages/html.js';
import { McpOAuthUpstreamLogin } from '../upstream/mcp-oauth-upstream-login.js';
import { LoginAttempts } from './login-attempts.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

function pageHeaders(response: ServerResponse, status: number): void {
  response.statusCode = status;
  response.setHeader('content-type', 'text/html; charset=utf-8');
  for (const [name, value] of Object.entries(PAGE_HEADERS)) response.setHeader(name, value);
}

/**
 * The login and consent pages (server-rendered HTML, no script) of oidc-provider's interactions, at
 * `<prefix>/interaction/<uid>`: who the user is comes from the app (`login.fromRequest`, `login.verifyPassword`)
 * or the upstream identity provider; the consent page names the client, the scopes and the resources, and the
 * answer is remembered per user and client.
 */
@Injectable()
export class McpOAuthInteractions {
  private readonly logger = new Logger('McpOAuth');
  private readonly attempts?: LoginAttempts;

  constructor(
    private readonly server: McpOAuthServer,
    private readonly upstream: McpOAuthUpstreamLogin,
  ) {
    const limit = server.options.login?.rateLimit;
    if (limit !== false) this.attempts = new LoginAttempts(limit);
  }

  private get base(): string {
    return `${this.server.prefix}/interaction`;
  }

  get stylesheet(): string {
    return `${this.server.prefix}/assets/pages.css`;
  }

  /** Handles `GET <uid>`, `POST <uid>/login|consent|abort`; `rest` is the path after `<prefix>/interaction/`. */
  async handle(request: IncomingMessage, response: ServerResponse, rest: string): Promise<void> {
    const [uid, action, extra] = rest.split('/');
    const provider = await this.server.provider();
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(request, response);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) return this.message(response, 400, McpOAuthMessages.interactionGone());
      throw error;
    }
    if (interaction.uid !== uid || extra !== undefined) return this.message(response, 404, McpOAuthMessages.interactionGone());
    if (request.method === 'GET' && action === undefined) return this.show(provider, interaction, request, response);
    if (request.method === 'GET' && action === 'upstream' && this.upstream.enabled && interaction.prompt.name === 'login') {
      try {
        return await this.upstream.finish(provider, interaction.uid, request, response);
      } catch (error) {
        // The client learns it as a refused authorization (its redirect URI gets access_denied), and the log says why.
        this.logger.warn(`upstream login failed (interaction ${uid}): ${(error as Error).message}`);
        const refusal = { error: 'access_denied', error_description: McpOAuthMessages.upstreamFailed((error as Error).message) };
        return provider.interactionFinished(request, response, refusal, { mergeWithLastSubmission: false });
      }
    }
    if (request.method !== 'POST' || !['login', 'consent', 'abort'].includes(action ?? '')) return this.message(response, 404, McpOAuthMessages.interactionGone());
    const form = await formBody(request);
    if (!CsrfToken.verify(request, form.csrf)) {
      this.logger.warn(`refused a ${action} form without a valid CSRF token (interaction ${uid})`);
      return this.message(response, 403, McpOAuthMessages.csrfRefused());
    }
    if (action === 'abort') {
      return provider.interactionFinished(request, response, { error: 'access_denied', error_description: 'the user refused' }, { mergeWithLastSubmission: false });
    }
    if (action === 'login') return this.login(provider, interaction, form, request, response);
    return this.consent(provider, interaction, response, request);
  }

  private async show(provider: Provider, interaction: Interaction, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const client = await this.clientView(provider, interaction);
    if (interaction.prompt.name === 'login') {
      const login = this.server.options.login;
      const known = await login?.fromRequest?.(request);
      if (known) return provider.interactionFinished(request, response, { login: { accountId: known.subject } });
      if (this.upstream.enabled) return this.upstream.start(request, response, interaction.uid);
      if (!login?.verifyPassword && login?.loginUrl) {
        const target = new URL(login.loginUrl, this.server.issuer);
        target.searchParams.set('returnTo', `${this.base}/${interaction.uid}`);
        response.writeHead(303, { location: target.href, 'cache-control': 'no-store' }).end();
        return;
      }
      return this.loginForm(response, interaction, client, this.issueCsrf(response, interaction));
    }
    const csrf = this.issueCsrf(response, interaction);
    const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    const resources = Object.keys(details.missingResourceScopes ?? {});
    const scopes = [...new Set([...(details.missingOIDCScope ?? []), ...Object.values(details.missingResourceScopes ?? {}).flat()])];
    pageHeaders(response, 200);
    response.end(
      consentPage({
        action: `${this.base}/${interaction.uid}/consent`,
        abort: `${this.base}/${interaction.uid}/abort`,
        stylesheet: this.stylesheet,
        csrf,
        client,
        user: interaction.session?.accountId ?? '',
        scopes,
        resources: resources.length ? resources : [interaction.params.resource ?? []].flat() as string[],
      }),
    );
  }

  private issueCsrf(response: ServerResponse, interaction: Interaction): string {
    return CsrfToken.issue(response, `${this.base}/${interaction.uid}`, this.server.issuer.startsWith('https:'));
  }

  private loginForm(response: ServerResponse, interaction: Interaction, client: ClientView, csrf: string, error?: string, username?: string, status = error ? 401 : 200): void {
    pageHeaders(response, status);
    response.end(
      loginPage({
        action: `${this.base}/${interaction.uid}/login`,
        abort: `${this.base}/${interaction.uid}/abort`,
        stylesheet: this.stylesheet,
        csrf,
        client,
        error,
        username,
      }),
    );
  }

  private async login(provider: Provider, interaction: Interaction, form: Record<string, string>, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const verify = this.server.options.login?.verifyPassword;
    const username = form.username ?? '';
    // Refused before the password is looked at: past the limit, a right guess must not be told from a wrong one.
    const wait = this.attempts?.blockedFor(request, username) ?? 0;
    if (wait > 0) {
      this.logger.warn(`refused a sign-in past the failed sign-in limit (interaction ${interaction.uid})`);
      response.setHeader('retry-after', String(wait));
      const client = await this.clientView(provider, interaction);
      return this.loginForm(response, interaction, client, CsrfToken.current(request)!, McpOAuthMessages.loginRateLimited(wait), username, 429);
    }
    const user = verify && username && form.password ? await verify(username, form.password, request) : undefined;
    if (!user) {
      this.attempts?.failed(request, username);
      const client = await this.clientView(provider, interaction);
      return this.loginForm(response, interaction, client, CsrfToken.current(request)!, McpOAuthMessages.loginFailed(), username);
    }
    this.attempts?.succeeded(username);
    return provider.interactionFinished(request, response, { login: { accountId: user.subject } });
  }

  /** Grants what the consent page showed (what the grant lacked), remembers it, and finishes the interaction. */
  private async consent(provider: Provider, interaction: Interaction, response: ServerResponse, request: IncomingMessage): Promise<void> {
    if (interaction.prompt.name !== 'consent' || !interaction.session) return this.message(response, 400, McpOAuthMessages.interactionGone());
    const { accountId } = interaction.session;
    const clientId = interaction.params.client_id as string;
    const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    const grant = (interaction.grantId && (await provider.Grant.find(interaction.grantId))) || new provider.Grant({ accountId, clientId });
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await this.remember(accountId, clientId, grant);
    return provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  private async remember(subject: string, clientId: string, grant: InstanceType<Provider['Grant']>): Promise<void> {
    if (this.server.options.rememberConsent === false) return;
    const resources = Object.fromEntries(Object.entries(grant.resources ?? {}).map(([resource, scope]) => [resource, String(scope).split(' ').filter(Boolean)]));
    const openIdScopes = (grant.openid?.scope ?? '').split(' ').filter(Boolean);
    await guarded(() => this.server.consents.save({ subject, clientId, resources, openIdScopes, grantedAt: Date.now() }));
  }

  private async clientView(provider: Provider, interaction: Interaction): Promise<ClientView> {
    const id = interaction.params.client_id as string;
    const client = await provider.Client.find(id);
    return { id, name: client?.clientName, uri: client?.clientUri };
  }

  message(response: ServerResponse, status: number, text: string): void {
    pageHeaders(response, status);
    response.end(messagePage(status >= 500 ? 'Error' : 'Sign-in', text, this.stylesheet));
  }
}
