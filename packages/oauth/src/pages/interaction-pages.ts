import { McpOAuthMessages } from '../mcp-oauth.messages.js';
import { escapeHtml, page } from './html.js';

/** What the pages show of a client: its registered (or metadata document) name and URI, and its id. */
export interface ClientView {
  readonly id: string;
  readonly name?: string;
  readonly uri?: string;
}

function clientLine(client: ClientView): string {
  const name = escapeHtml(client.name ?? client.id);
  const link = client.uri ? ` (<span class="muted">${escapeHtml(client.uri)}</span>)` : '';
  return `<p><strong>${name}</strong>${link}${client.name ? `<br><span class="muted">client id ${escapeHtml(client.id)}</span>` : ''}</p>`;
}

function hidden(csrf: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
}

export function loginPage(input: { action: string; abort: string; stylesheet: string; csrf: string; client: ClientView; error?: string; username?: string }): string {
  return page(
    McpOAuthMessages.loginTitle(),
    input.stylesheet,
    `${clientLine(input.client)}
<p>wants to use your account. Sign in to continue.</p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}" autocomplete="on">
${hidden(input.csrf)}
<label for="username">User name</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" class="primary" id="sign-in">Sign in</button>
</form>
<form method="post" action="${escapeHtml(input.abort)}" class="inline">${hidden(input.csrf)}<button type="submit" id="cancel">Cancel</button></form>`,
  );
}

export function consentPage(input: {
  action: string;
  abort: string;
  stylesheet: string;
  csrf: string;
  client: ClientView;
  user: string;
  scopes: string[];
  resources: string[];
}): string {
  const scopes = input.scopes.length ? `<ul id="scopes">${input.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')}</ul>` : '<p>No particular scope.</p>';
  const resources = input.resources.map((resource) => `<li><code>${escapeHtml(resource)}</code></li>`).join('');
  return page(
    McpOAuthMessages.consentTitle(),
    input.stylesheet,
    `${clientLine(input.client)}
<p>asks to act as <strong>${escapeHtml(input.user)}</strong> with these scopes:</p>
${scopes}
${resources ? `<p>on</p><ul id="resources">${resources}</ul>` : ''}
<form method="post" action="${escapeHtml(input.action)}" class="inline">${hidden(input.csrf)}<button type="submit" class="primary" id="allow">Allow</button></form>
<form method="post" action="${escapeHtml(input.abort)}" class="inline">${hidden(input.csrf)}<button type="submit" id="deny">Deny</button></form>
<p class="muted">Your answer is remembered for this application.</p>`,
  );
}

export function messagePage(title: string, message: string, stylesheet: string): string {
  return page(title, stylesheet, `<p class="error" role="alert">${escapeHtml(message)}</p>`);
}
