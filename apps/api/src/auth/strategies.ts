import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { AuditInput, AuditService } from '../audit/audit.service';
import { requestContextOf } from '../kernel/request-context';
import { ApiKeyService } from './api-key.service';
import { Principal } from '../kernel/principal';
import { Refusal, refusalReason } from '../kernel/refusal';
import { SessionService } from './session.service';
import { SessionCookies } from './session-cookies';
import { TOKEN_AUTHENTICATOR, TokenAuthenticationPort } from './token-authentication.port';

export const SESSION_STRATEGY = 'session';
export const API_KEY_STRATEGY = 'api-key';
/** Behalf's own JWTs as bearer credentials (backend and impersonation tokens), judged through {@link TOKEN_AUTHENTICATOR}. */
export const JWT_STRATEGY = 'jwt';

/** Why authentication failed, kept on the request for the guard's problem and audit record. */
let registered = 0;

/**
 * Passport keeps strategies in one registry per process, by name: a second application in the
 * same process (the tests' replicas) registering `session` would take over the first one's
 * requests, authenticating them with its own services (after it closed: its closed pool). Each
 * strategy is therefore also registered under a name of its own, which its application's guard
 * uses, and removed when its application shuts down.
 */
function OwnPassportStrategy(name: string) {
  abstract class Own extends PassportStrategy(Strategy, name) implements OnApplicationShutdown {
    readonly registeredAs = `${name}#${++registered}`;

    constructor() {
      super();
      passport.use(this.registeredAs, this);
    }

    onApplicationShutdown(): void {
      passport.unuse(this.registeredAs);
    }
  }
  return Own;
}

export const AUTH_FAILURE = Symbol('behalf:auth-failure');
type WithFailure = FastifyRequest & { [AUTH_FAILURE]?: Refusal };

/** `Authorization: Bearer bhk_…` */
export function bearerApiKey(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(bhk_\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** `Authorization: Bearer <JWT>`: three base64url parts. */
export function bearerJwt(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Records why a strategy refused the request, for the guard's problem. */
export function refuse(request: FastifyRequest, refusal: Refusal): void {
  (request as WithFailure)[AUTH_FAILURE] = refusal;
}

/**
 * A bearer credential's refusal: kept for the guard's problem, and recorded, aggregated per
 * source, reason and minute (anyone can send refused keys and tokens).
 */
async function refuseAudited(audit: AuditService, request: FastifyRequest, refusal: Refusal, record: Pick<AuditInput, 'target' | 'details'>): Promise<false> {
  refuse(request, refusal);
  await audit.refusal({ action: 'auth.authenticate', outcome: 'failed', reason: refusalReason(refusal), ...record }, requestContextOf(request));
  return false;
}

@Injectable()
export class ApiKeyStrategy extends OwnPassportStrategy(API_KEY_STRATEGY) {
  constructor(
    private readonly apiKeys: ApiKeyService,
    private readonly audit: AuditService,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    const key = bearerApiKey(request);
    if (!key) return false;
    const result = await this.apiKeys.authenticate(key);
    if ('refused' in result) {
      return refuseAudited(this.audit, request, { code: result.refused }, { target: result.keyId ? { type: 'api_key', id: result.keyId } : undefined });
    }
    return result;
  }
}

@Injectable()
export class SessionStrategy extends OwnPassportStrategy(SESSION_STRATEGY) {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    const token = this.cookies.sessionOf(request);
    if (!token) return false;
    const result = await this.sessions.authenticate(token);
    if ('refused' in result) {
      refuse(request, { code: result.refused });
      return false;
    }
    return result;
  }
}

/**
 * `Authorization: Bearer <JWT>`: a backend token or an impersonation token, judged by the
 * runtime through the port (the run and the whole policy, on every request). Identity tokens are
 * never API credentials. Refusals are audited, aggregated: anyone can send refused tokens.
 */
@Injectable()
export class BearerTokenStrategy extends OwnPassportStrategy(JWT_STRATEGY) {
  constructor(
    @Inject(TOKEN_AUTHENTICATOR) private readonly tokens: TokenAuthenticationPort,
    private readonly audit: AuditService,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    const token = bearerJwt(request);
    if (!token) return false;
    const result = await this.tokens.authenticate(token);
    if ('principal' in result) return result.principal;
    return refuseAudited(this.audit, request, result.refused, { details: { via: result.via } });
  }
}

export function failureOf(request: FastifyRequest): Refusal | undefined {
  return (request as WithFailure)[AUTH_FAILURE];
}
