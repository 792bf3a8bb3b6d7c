import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { CSRF_HEADER, Permission } from '@behalf/contracts';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service';
import { requestContextOf } from '../kernel/request-context';
import { sha256Hex } from '../common/hashing';
import { ProblemError } from '../kernel/problem';
import { ACCEPTED_CREDENTIALS, PERSON_CREDENTIALS, REQUIRED_PERMISSION } from '../platform/http/authenticated.decorator';
import { constantTimeEqual } from '@behalf/server';
import { CredentialKind, hasPermission, Principal, principalOf } from '../kernel/principal';
import { refusalMessage, refusalReason } from '../kernel/refusal';
import { IS_PUBLIC } from '../platform/http/public.decorator';
import { ApiKeyStrategy, BearerTokenStrategy, bearerApiKey, bearerJwt, failureOf, SessionStrategy } from './strategies';
import { SessionCookies } from './session-cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const CREDENTIAL_NAMES: Record<CredentialKind, string> = {
  session: 'a session',
  api_key: 'an API key',
  backend_token: 'a backend token',
  impersonation: 'an impersonation token',
};

const WWW_AUTHENTICATE = { 'www-authenticate': 'Bearer realm="behalf"' };

/**
 * The one global guard. Every route needs an authenticated principal unless it says `@Public()`:
 * deny by default. It picks the strategy from the credential presented (an API key in
 * `Authorization`, else the session cookie; never both, so a bad key cannot fall back to a
 * cookie; a JWT goes to the token strategy), enforces CSRF for cookie-authenticated writes, then the route's declared permission.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  // This application's own strategies, by the names only they hold (see `OwnPassportStrategy`).
  private readonly apiKeyGuard: CanActivate;
  private readonly sessionGuard: CanActivate;
  private readonly jwtGuard: CanActivate;

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    apiKeys: ApiKeyStrategy,
    sessions: SessionStrategy,
    tokens: BearerTokenStrategy,
    private readonly cookies: SessionCookies,
  ) {
    this.apiKeyGuard = new (AuthGuard(apiKeys.registeredAs))();
    this.sessionGuard = new (AuthGuard(sessions.registeredAs))();
    this.jwtGuard = new (AuthGuard(tokens.registeredAs))();
  }

  /** A public route passes synchronously: no promise, no await in Nest's guard runner. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [context.getHandler(), context.getClass()]) === true || this.authorize(context);
  }

  private async authorize(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<FastifyRequest>();

    const principal = await this.authenticate(context, request);
    if (principal.via.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      await this.checkCsrf(request, principal.via.csrfHash);
    }
    const credentials = this.reflector.getAllAndOverride<readonly CredentialKind[] | undefined>(ACCEPTED_CREDENTIALS, targets) ?? PERSON_CREDENTIALS;
    if (!credentials.includes(principal.via.kind)) {
      await this.audit.record(
        {
          action: 'access.denied',
          outcome: 'denied',
          reason: refusalReason({ code: 'credential_not_accepted', about: principal.via.kind }),
          details: { method: request.method, route: request.routeOptions.url },
        },
        requestContextOf(request),
      );
      throw new ProblemError(
        'forbidden',
        `This endpoint does not accept ${CREDENTIAL_NAMES[principal.via.kind]}: it takes ${credentials.map((c) => CREDENTIAL_NAMES[c]).join(', ')}.`,
      );
    }
    const permission = this.reflector.getAllAndOverride<Permission | null | undefined>(REQUIRED_PERMISSION, targets);
    if (permission && !hasPermission(principal, permission)) {
      await this.audit.record(
        {
          action: 'access.denied',
          outcome: 'denied',
          reason: refusalReason({ code: 'missing_permission', about: permission }),
          details: { method: request.method, route: request.routeOptions.url },
        },
        requestContextOf(request),
      );
      throw new ProblemError('forbidden', `This requires the ${permission} permission.`);
    }
    return true;
  }

  private async authenticate(context: ExecutionContext, request: FastifyRequest): Promise<Principal> {
    const authorization = request.headers.authorization;
    const guard = bearerApiKey(request)
      ? this.apiKeyGuard
      : bearerJwt(request)
        ? this.jwtGuard
        : authorization === undefined && this.cookies.sessionOf(request)
          ? this.sessionGuard
          : undefined;
    if (!guard) {
      throw new ProblemError(
        'unauthenticated',
        authorization === undefined
          ? 'This request needs a session (log in), an API key (Authorization: Bearer bhk_…), a backend token or an impersonation token.'
          : 'The Authorization header holds no credential this endpoint accepts.',
        undefined,
        WWW_AUTHENTICATE,
      );
    }
    try {
      await guard.canActivate(context);
    } catch (error) {
      // Passport's refusal; anything else is a fault, never to be passed off as a bad credential.
      if (!(error instanceof UnauthorizedException)) throw error;
      throw new ProblemError('unauthenticated', refusalMessage(failureOf(request)), undefined, WWW_AUTHENTICATE);
    }
    const principal = principalOf(request);
    if (!principal) throw new ProblemError('unauthenticated', 'The credential presented is not valid.', undefined, WWW_AUTHENTICATE);
    return principal;
  }

  /**
   * Double-submit CSRF check bound to the session: the header must equal the CSRF cookie, and be
   * the token issued with this very session (its hash is stored with it).
   */
  private async checkCsrf(request: FastifyRequest, csrfHash: string): Promise<void> {
    const header = request.headers[CSRF_HEADER];
    const cookie = this.cookies.csrfOf(request);
    const ok =
      typeof header === 'string' &&
      header.length > 0 &&
      cookie !== undefined &&
      constantTimeEqual(header, cookie) &&
      constantTimeEqual(sha256Hex(header), csrfHash);
    if (!ok) {
      await this.audit.record(
        { action: 'access.denied', outcome: 'denied', reason: 'csrf_token_invalid', details: { method: request.method, route: request.routeOptions.url } },
        requestContextOf(request),
      );
      throw new ProblemError('forbidden', `Cookie-authenticated writes must send the ${this.cookies.csrf} cookie's value in ${CSRF_HEADER}.`);
    }
  }
}
