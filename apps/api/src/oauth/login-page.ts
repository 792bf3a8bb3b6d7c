/**
 * The server-rendered pages of the authorization endpoint: the login step a viewer without a
 * Behalf session sees on the way to a webapp, and the page an authorization request that cannot
 * be trusted to redirect gets. No script; the CSP allows only the inline style and posting to self.
 */
import { escapeHtml as escape, htmlDocument, messageDocument } from '@behalf/server';

/**
 * The pages' headers. `form-action` covers the redirects a submitted form leads to (login, then
 * the authorization request, then the webapp's callback): this server and webapp origins only.
 */
export const pageHeaders = (appsUrl: string) => ({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${appsUrl}; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  // Not no-referrer: a form posted under it sends `Origin: null`, and the login step checks Origin.
  'referrer-policy': 'same-origin',
});

const STYLE =
  'body{max-width:22rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box}' +
  'button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}';

/** The login form; it posts back to `/oauth/login` and then continues to `returnTo`. */
export function loginPage(returnTo: string, error?: string): string {
  return htmlDocument(
    'Sign in to Behalf',
    `<main><h1>Sign in</h1><p>Sign in to Behalf to open the webapp.</p>${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}` +
      `<form method="post" action="/oauth/login"><input type="hidden" name="return_to" value="${escape(returnTo)}">` +
      `<label for="login">Login</label><input id="login" name="login" autocomplete="username" required autofocus>` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>` +
      `<button type="submit">Sign in</button></form></main>`,
    STYLE,
  );
}

export function messagePage(title: string, message: string): string {
  return messageDocument(title, message, STYLE);
}

/** Where the login step may continue: only into an authorization request on this server (no open redirect). */
export function safeReturnTo(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('/oauth/authorize?') && !/[\r\n\\]/.test(value) && value.length <= 4096 ? value : undefined;
}
