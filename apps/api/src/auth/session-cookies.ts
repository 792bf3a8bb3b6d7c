import { CSRF_COOKIE, SESSION_COOKIE } from '@behalf/contracts';
import type { FastifyReply } from 'fastify';
import { Config } from '../platform/config/config';
import { secureCookies } from '../platform/config/insecure-defaults';
import type { NewSession } from './session.service';

/** Sets a new session's cookies: the HttpOnly session, and the CSRF token the page's scripts echo in X-CSRF-Token. */
export function setSessionCookies(reply: FastifyReply, session: NewSession, config: Config): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: secureCookies(config), expires: session.expiresAt };
  void reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  void reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}
