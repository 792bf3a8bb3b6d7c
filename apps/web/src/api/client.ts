import createClient, { type Middleware } from 'openapi-fetch';
import { pathSerializer, type ApiPaths as paths } from '@behalf/contracts/openapi';
import { behalfCookieIn, CSRF_COOKIE } from '@behalf/contracts/cookies';

export type { paths };

/** The CSRF cookie's value: cookie-authenticated writes must echo it in `X-CSRF-Token`. */
export function csrfToken(): string | undefined {
  const value = behalfCookieIn(document.cookie, CSRF_COOKIE);
  return value === undefined ? undefined : decodeURIComponent(value);
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

let onSessionLost: (() => void) | undefined;

/** What to do when the API answers 401 to a signed-in page: the router sends the person to login. */
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method)) {
      const token = csrfToken();
      if (token) request.headers.set('x-csrf-token', token);
    }
    return request;
  },
  onResponse({ request, response }) {
    // A 401 from anything but the login itself means the session ended (expiry, logout elsewhere,
    // a disabled account): back to the login page, which returns here afterwards.
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/v1/auth/')) onSessionLost?.();
    return response;
  },
};

/** The Behalf API, typed from the committed OpenAPI document, with the browser's session cookie. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin', pathSerializer });
api.use(session);
