import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const COOKIE = 'mcp_oauth_csrf';

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * CSRF protection of the login and consent forms (OWASP's double-submit cookie): a random token per interaction,
 * in an HttpOnly, SameSite=Strict cookie scoped to the interaction's path and in a hidden field of the form. A
 * POST must carry both, equal: a page on another site can neither read the token nor make the browser send the
 * Strict cookie. (Written here: the pages are plain Node handlers beside oidc-provider, not Express routes that
 * an Express CSRF middleware could wrap; the check is a cookie read and a constant-time compare.)
 */
export const CsrfToken = {
  issue(response: ServerResponse, path: string, secure: boolean): string {
    const token = randomBytes(24).toString('base64url');
    response.appendHeader('set-cookie', `${COOKIE}=${token}; Path=${path}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
    return token;
  },

  /** The cookie's token, to render the form again after a refused login without a new one. */
  current(request: IncomingMessage): string | undefined {
    return cookieOf(request, COOKIE);
  },

  verify(request: IncomingMessage, submitted: unknown): boolean {
    const cookie = cookieOf(request, COOKIE);
    if (!cookie || typeof submitted !== 'string' || submitted.length !== cookie.length) return false;
    return timingSafeEqual(Buffer.from(cookie), Buffer.from(submitted));
  },
};
