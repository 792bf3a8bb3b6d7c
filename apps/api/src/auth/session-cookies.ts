import { Inject, Injectable } from '@nestjs/common';
import { cookieName, CSRF_COOKIE, SESSION_COOKIE } from '@behalf/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONFIG, Config } from '../platform/config/config';
import { secureCookies } from '../platform/config/insecure-defaults';
import type { NewSession } from './session.service';

/**
 * The request's cookies, parsed on first use (the cookie plugin parses nothing by itself: most
 * requests, bearer-authenticated or public, never look at them).
 */
export function cookiesOf(request: FastifyRequest): Record<string, string | undefined> {
  const header = request.headers.cookie;
  request.cookies ??= header ? request.server.parseCookie(header) : {};
  return request.cookies;
}

/**
 * A browser session's two cookies: the HttpOnly session, and the CSRF token the page's scripts
 * echo in `X-CSRF-Token`. Where they are Secure (everywhere but development over plain HTTP) their
 * names carry `__Host-` and only those names are read, so that a cookie a webapp on a sibling
 * origin planted for the API's domain is never taken for the viewer's.
 */
@Injectable()
export class SessionCookies {
  private readonly secure: boolean;
  /** The names as set and read. */
  readonly session: string;
  readonly csrf: string;

  constructor(@Inject(CONFIG) config: Pick<Config, 'env' | 'http'>) {
    this.secure = secureCookies(config);
    this.session = cookieName(SESSION_COOKIE, this.secure);
    this.csrf = cookieName(CSRF_COOKIE, this.secure);
  }

  sessionOf(request: FastifyRequest): string | undefined {
    return cookiesOf(request)[this.session] || undefined;
  }

  csrfOf(request: FastifyRequest): string | undefined {
    return cookiesOf(request)[this.csrf];
  }

  /** Sets a new session's cookies. */
  set(reply: FastifyReply, session: NewSession): void {
    const common = { path: '/', sameSite: 'lax' as const, secure: this.secure, expires: session.expiresAt };
    void reply.setCookie(this.session, session.token, { ...common, httpOnly: true });
    void reply.setCookie(this.csrf, session.csrfToken, { ...common, httpOnly: false });
  }

  /** Clears both (with the attributes they were set with: a browser ignores a `__Host-` clearing that is not Secure). */
  clear(reply: FastifyReply): void {
    const common = { path: '/', sameSite: 'lax' as const, secure: this.secure };
    void reply.clearCookie(this.session, { ...common, httpOnly: true });
    void reply.clearCookie(this.csrf, common);
  }
}
