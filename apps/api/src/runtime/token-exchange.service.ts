import { Injectable } from '@nestjs/common';
import type { OAuthErrorCode, TokenExchangeResponse } from '@behalf/contracts';
import { ANONYMOUS_SUBJECT, API_AUDIENCE, identityAudience, TOKEN_EXCHANGE, TOKEN_TYPES, webappClientId } from '@behalf/contracts';
import { AuditInput, AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { SessionService } from '../auth/session.service';
import { isUuid } from '../kernel/uuid';
import { FormParams } from '../platform/http/form-body';
import { SettingsService } from '../settings/settings.service';
import type { UserProfile } from '../identity/user.repository';
import { JwtRefusal, JwtRefusedError } from '../tokens/jwt';
import { jwtType, TokenService } from '../tokens/token.service';
import { ActingReason } from './acting-policy';
import { VerifiedBackendToken, verifyBackendToken } from './bearer-jwt.strategy';
import { RunRateLimiter } from './run-rate-limiter';
import { RuntimeFacts } from './runtime-facts.service';

/** A refused token request: an RFC 6749 §5.2 error, and the reason the audit record names. */
export class OAuthFailure extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly reason: string,
    /** Seconds to wait, for a rate-limited request (answered 429 with Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
    this.name = 'OAuthFailure';
  }

  /** 401 for a client that failed to authenticate, 403 for a policy refusal, 429 over the rate limit, else 400 (§5.2). */
  get status(): number {
    if (this.error === 'invalid_client') return 401;
    if (this.error === 'access_denied') return 403;
    if (this.error === 'temporarily_unavailable') return 429;
    return 400;
  }
}

const invalidRequest = (description: string, reason: string) => new OAuthFailure('invalid_request', description, reason);

/** Why the policy refused, in words a backend developer can act on; every reason gets one. */
const DENIALS: Record<Exclude<ActingReason, 'allowed' | 'self'>, [OAuthErrorCode, string]> = {
  impersonation_not_allowed: ['unauthorized_client', 'This webapp does not allow impersonation (its allowImpersonation setting is off).'],
  run_stopped: ['unauthorized_client', 'The webapp run of the actor_token has stopped.'],
  not_run_identity: ['unauthorized_client', 'The actor_token does not act as its run’s identity.'],
  actor_disabled: ['access_denied', 'The user this webapp runs as is disabled.'],
  subject_disabled: ['access_denied', 'The viewer is disabled.'],
  viewer_cannot_view: ['access_denied', 'The viewer may not view this webapp (its access setting).'],
  subject_is_admin: ['access_denied', 'The viewer is an admin, and admins may not be impersonated (the global setting, or the actor is no admin).'],
  no_grant: ['access_denied', 'No group of the user this webapp runs as holds an impersonation grant on a group of the viewer.'],
  grant_expired: ['access_denied', 'The impersonation grant between the groups of the actor and the viewer has expired.'],
};

const ACTOR_REFUSALS: Record<JwtRefusal, OAuthFailure> = {
  token_expired: new OAuthFailure('unauthorized_client', 'The actor_token has expired: refresh the backend token.', 'actor_token_expired'),
  token_invalid: new OAuthFailure('unauthorized_client', 'The actor_token is not a valid backend token of a webapp run.', 'actor_token_invalid'),
};
const ACTOR_DELETED = new OAuthFailure('access_denied', DENIALS.actor_disabled[1], 'actor_disabled');

/** The audit record's parties, as far as the request got before it was refused. */
interface Parties {
  backend?: VerifiedBackendToken & { actor: UserProfile };
  viewer?: { userId: string; login: string | null };
  subjectTokenType?: string;
}

/**
 * RFC 8693 token exchange at `POST /oauth/token`: a webapp backend trades a viewer's identity
 * token (or session cookie) and its own backend token for an impersonation access token. Every
 * issuance and every refusal is audited, and a token is answered only once its record is
 * committed (the audit log batches concurrent commits).
 */
@Injectable()
export class TokenExchangeService {
  constructor(
    private readonly tokens: TokenService,
    private readonly facts: RuntimeFacts,
    private readonly sessions: SessionService,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly limiter: RunRateLimiter,
  ) {}

  async exchange(params: FormParams, ctx: RequestContext): Promise<TokenExchangeResponse> {
    const parties: Parties = {};
    try {
      return await this.issue(params, parties, ctx);
    } catch (error) {
      if (error instanceof OAuthFailure) {
        await this.record(
          parties,
          { outcome: error.error === 'access_denied' ? 'denied' : 'failed', reason: error.reason, details: { error: error.error } },
          ctx,
        );
      }
      throw error;
    }
  }

  private async issue(params: FormParams, parties: Parties, ctx: RequestContext): Promise<TokenExchangeResponse> {
    const request = this.validRequest(params);
    parties.subjectTokenType = request.subjectTokenType;
    const backend = await this.actorOf(request.actorToken);
    parties.backend = backend;
    const wait = await this.limiter.consume(backend.runId);
    if (wait !== null) {
      throw new OAuthFailure('temporarily_unavailable', `This webapp run exchanges tokens too often: try again in ${wait} s.`, 'run_rate_limited', wait);
    }
    const viewerId = await this.subjectOf(request.subjectToken, request.subjectTokenType, backend.webappId);
    parties.viewer = { userId: viewerId, login: null };
    const acting = await this.facts.acting(backend.run, backend.actor.id, viewerId);
    if (!acting) throw new OAuthFailure('invalid_grant', 'The subject_token’s user no longer exists.', 'subject_unknown');
    parties.viewer.login = acting.viewer.login;
    const { decision } = acting;
    if (!decision.allowed) {
      const [error, description] = DENIALS[decision.reason as keyof typeof DENIALS];
      throw new OAuthFailure(error, description, decision.reason);
    }
    const { impersonationTokenLifetimeSeconds } = await this.settings.security();
    const signed = await this.tokens.issue({
      typ: TOKEN_TYPES.impersonation,
      subject: viewerId,
      audience: API_AUDIENCE,
      lifetimeSeconds: impersonationTokenLifetimeSeconds,
      claims: {
        client_id: webappClientId(backend.webappId),
        act: { sub: backend.actor.id, login: backend.actor.login, webapp_id: backend.webappId, run_id: backend.runId },
      },
    });
    await this.record(
      parties,
      {
        outcome: 'allowed',
        reason: decision.reason,
        details: {
          tokenId: signed.jti,
          expiresAt: signed.expiresAt.toISOString(),
          grant: decision.grant
            ? { sourceGroup: decision.grant.sourceGroup.name, targetGroup: decision.grant.targetGroup.name, reason: decision.grant.reason }
            : null,
        },
      },
      ctx,
    );
    return {
      access_token: signed.token,
      issued_token_type: TOKEN_EXCHANGE.accessTokenType,
      token_type: 'Bearer',
      expires_in: impersonationTokenLifetimeSeconds,
    };
  }

  /** The parameters RFC 8693 defines, each checked; unknown ones (`client_id`, …) are ignored (RFC 6749 §3.2). */
  private validRequest(params: FormParams) {
    const one = (name: string): string | undefined => {
      const values = params.values.get(name);
      if (!values) return undefined;
      if (values.length > 1) throw invalidRequest(`${name} must be sent once.`, `repeated_${name}`);
      return values[0] === '' ? undefined : values[0];
    };
    const required = (name: string, what: string): string => {
      const value = one(name);
      if (value === undefined) throw invalidRequest(`${name} is required: ${what}.`, `missing_${name}`);
      return value;
    };
    const grantType = required('grant_type', TOKEN_EXCHANGE.grantType);
    if (grantType !== TOKEN_EXCHANGE.grantType) {
      throw new OAuthFailure('unsupported_grant_type', `This endpoint supports only grant_type ${TOKEN_EXCHANGE.grantType}.`, 'unsupported_grant_type');
    }
    const subjectToken = required('subject_token', 'the viewer’s identity token or session cookie value');
    const subjectTokenType = required('subject_token_type', `${TOKEN_EXCHANGE.jwtTokenType} or ${TOKEN_EXCHANGE.sessionTokenType}`);
    if (subjectTokenType !== TOKEN_EXCHANGE.jwtTokenType && subjectTokenType !== TOKEN_EXCHANGE.sessionTokenType) {
      throw invalidRequest(
        `subject_token_type must be ${TOKEN_EXCHANGE.jwtTokenType} (an identity token) or ${TOKEN_EXCHANGE.sessionTokenType}.`,
        'unsupported_subject_token_type',
      );
    }
    const actorToken = required('actor_token', 'the backend token of the webapp run');
    const actorTokenType = required('actor_token_type', TOKEN_EXCHANGE.jwtTokenType);
    if (actorTokenType !== TOKEN_EXCHANGE.jwtTokenType) {
      throw invalidRequest(`actor_token_type must be ${TOKEN_EXCHANGE.jwtTokenType} (a backend token).`, 'unsupported_actor_token_type');
    }
    const requested = one('requested_token_type');
    if (requested !== undefined && requested !== TOKEN_EXCHANGE.accessTokenType) {
      throw invalidRequest(`requested_token_type must be ${TOKEN_EXCHANGE.accessTokenType}, the only type issued.`, 'unsupported_requested_token_type');
    }
    // Several audience and resource parameters are allowed (RFC 8693 §2.1); each must be the API.
    for (const audience of params.values.get('audience') ?? []) {
      if (audience !== API_AUDIENCE) throw new OAuthFailure('invalid_target', `Tokens are issued for audience ${API_AUDIENCE} only.`, 'invalid_audience');
    }
    for (const resource of params.values.get('resource') ?? []) {
      if (resource !== this.tokens.issuer)
        throw new OAuthFailure('invalid_target', `Tokens are issued for resource ${this.tokens.issuer} only.`, 'invalid_resource');
    }
    if (one('scope') !== undefined) {
      throw new OAuthFailure('invalid_scope', 'Behalf defines no scopes: the token carries exactly the viewer’s rights. Send no scope.', 'invalid_scope');
    }
    return { subjectToken, subjectTokenType, actorToken };
  }

  /**
   * Rule 5: the actor token is a backend token, never an impersonation token. Its run's state
   * and its identity's status are the policy's to judge (rule 1, and the actor's status).
   */
  private async actorOf(actorToken: string): Promise<VerifiedBackendToken & { actor: UserProfile }> {
    if (jwtType(actorToken) === TOKEN_TYPES.impersonation) {
      throw new OAuthFailure(
        'unauthorized_client',
        'An impersonation token cannot act: the actor_token must be the run’s backend token.',
        'actor_is_impersonation_token',
      );
    }
    const backend = await verifyBackendToken(actorToken, this.tokens, this.facts);
    if (typeof backend === 'string') throw ACTOR_REFUSALS[backend];
    if (!backend.actor) throw ACTOR_DELETED;
    return { ...backend, actor: backend.actor };
  }

  /** The viewer's user id, from an identity token issued for this very webapp, or a live session. */
  private async subjectOf(subjectToken: string, type: string, webappId: string): Promise<string> {
    if (type === TOKEN_EXCHANGE.sessionTokenType) {
      const session = await this.sessions.userOf(subjectToken);
      if ('refused' in session) throw new OAuthFailure('invalid_grant', 'The subject_token is not a live session.', `subject_${session.refused}`);
      return session.userId;
    }
    const typ = jwtType(subjectToken);
    if (typ === TOKEN_TYPES.impersonation) {
      throw new OAuthFailure(
        'invalid_grant',
        'An impersonation token cannot be exchanged again: send the viewer’s identity token.',
        'subject_is_impersonation_token',
      );
    }
    if (typ !== TOKEN_TYPES.identity) {
      throw new OAuthFailure('invalid_grant', `The subject_token must be an identity token (typ ${TOKEN_TYPES.identity}).`, 'subject_not_identity_token');
    }
    let sub: unknown;
    try {
      ({ sub } = await this.tokens.verify(subjectToken, { typ: TOKEN_TYPES.identity, audience: identityAudience(webappId) }));
    } catch (error) {
      if (!(error instanceof JwtRefusedError)) throw error;
      if (error.reason === 'token_expired') throw new OAuthFailure('invalid_grant', 'The subject_token has expired.', 'subject_token_expired');
      throw new OAuthFailure('invalid_grant', 'The subject_token is not a valid identity token issued for this webapp.', 'subject_token_invalid');
    }
    if (sub === ANONYMOUS_SUBJECT) throw new OAuthFailure('invalid_grant', 'An anonymous viewer cannot be acted for.', 'subject_anonymous');
    if (typeof sub !== 'string' || !isUuid(sub)) throw new OAuthFailure('invalid_grant', 'The subject_token names no user.', 'subject_token_invalid');
    return sub;
  }

  /**
   * The exchange's record. Before a valid actor token is known the caller could be anyone, and
   * such refusals are aggregated (per source, reason and minute); past it, every decision is
   * recorded, bounded by the run's rate limit.
   */
  private record(parties: Parties, outcome: Pick<AuditInput, 'outcome' | 'reason' | 'details'>, ctx: RequestContext): Promise<void> {
    const { backend, viewer } = parties;
    if (!backend) {
      return this.audit.refusal(
        {
          action: 'token.exchange',
          ...outcome,
          actor: { userId: null, login: null },
          onBehalfOf: viewer,
          details: { ...outcome.details, subjectTokenType: parties.subjectTokenType ?? null },
        },
        ctx,
      );
    }
    return this.audit.record(
      {
        action: 'token.exchange',
        ...outcome,
        actor: { userId: backend.actor.id, login: backend.actor.login },
        onBehalfOf: viewer,
        webappId: backend.webappId,
        target: { type: 'webapp_run', id: backend.runId },
        details: { ...outcome.details, subjectTokenType: parties.subjectTokenType ?? null, actorTokenId: backend.tokenId },
      },
      ctx,
    );
  }
}
