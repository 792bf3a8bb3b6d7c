import { Inject, Injectable } from '@nestjs/common';
import type { OAuthRefusalCode, TokenExchangeResponse } from '@behalf/contracts';
import { ANONYMOUS_SUBJECT, TOKEN_EXCHANGE, TOKEN_TYPES } from '@behalf/contracts';
import { AuditInput, AuditService } from '../audit/audit.service';
import { SessionService } from '../auth/session.service';
import type { UserProfile } from '../identity/user.repository';
import { CLOCK, Clock } from '../kernel/clock';
import { RequestContext } from '../kernel/request-context';
import { FormParams } from '../platform/http/form-body';
import { RunRateLimiter } from '../runtime/run-rate-limiter';
import { BackendFacts, RuntimeFacts } from '../runtime/runtime-facts.service';
import { BackendTokens } from '../tokens/backend-token';
import { IdentityTokens } from '../tokens/identity-token';
import { ImpersonationTokens } from '../tokens/impersonation-token';
import { JwtRefusedError } from '../tokens/jwt';
import { TokenService, tokenTypeOf } from '../tokens/token.service';
import { decideExchange } from './exchange-decision';
import { OAuthError } from './oauth-error';
import { parseTokenRequest, TokenExchangeRequest } from './token-request.form';
import { waitInWords } from '../common/wait-in-words';

type Backend = BackendFacts & { actor: UserProfile };

/** The audit record's parties, as far as the request got before it was refused. */
interface Parties {
  backend?: Backend;
  viewer?: { userId: string; login: string | null };
  subjectTokenType?: string;
}

/** Verifies a token, refusing with `expired` or `invalid` (catalogue codes) when it does not hold. */
async function verified<T>(parse: () => Promise<T>, expired: OAuthRefusalCode, invalid: OAuthRefusalCode): Promise<T> {
  try {
    return await parse();
  } catch (error) {
    if (!(error instanceof JwtRefusedError)) throw error;
    throw new OAuthError(error.reason === 'token_expired' ? expired : invalid);
  }
}

/**
 * RFC 8693 token exchange at `POST /oauth/token`: a webapp backend trades a viewer's identity
 * token (or session cookie) and its own backend token for an impersonation access token. The
 * path: the form, the actor token (its run and identity), the run's rate limit, the subject
 * token, then the read model's facts, read once, and the pure decision. Every issuance and every
 * refusal is audited, and a token is answered only once its record is committed (the audit log
 * batches concurrent commits).
 */
@Injectable()
export class TokenExchangeService {
  constructor(
    private readonly jwt: TokenService,
    private readonly backendTokens: BackendTokens,
    private readonly identityTokens: IdentityTokens,
    private readonly impersonationTokens: ImpersonationTokens,
    private readonly facts: RuntimeFacts,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly limiter: RunRateLimiter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async exchange(form: FormParams, ctx: RequestContext): Promise<TokenExchangeResponse> {
    const parties: Parties = {};
    try {
      return await this.issue(form, parties, ctx);
    } catch (error) {
      if (error instanceof OAuthError) {
        const outcome = error.error === 'access_denied' ? 'denied' : 'failed';
        await this.record(parties, { outcome, reason: error.code, details: { error: error.error } }, ctx);
      }
      throw error;
    }
  }

  private async issue(form: FormParams, parties: Parties, ctx: RequestContext): Promise<TokenExchangeResponse> {
    const request = parseTokenRequest(form, this.jwt.issuer);
    parties.subjectTokenType = request.subjectTokenType;
    const backend = await this.actorOf(request.actorToken);
    parties.backend = backend;
    const wait = await this.limiter.consume(backend.runId);
    if (wait !== null) throw new OAuthError('run_rate_limited', `This webapp run exchanges tokens too often: try again in ${waitInWords(wait)}.`, wait);
    const viewerId = await this.subjectOf(request, backend.webappId);
    parties.viewer = { userId: viewerId, login: null };
    const facts = await this.facts.exchange(backend.run, backend.actor, viewerId);
    parties.viewer.login = facts.viewer?.login ?? null;
    const decision = decideExchange(facts, this.clock.now());
    if (decision.kind === 'refuse') throw new OAuthError(decision.code);
    const signed = await this.impersonationTokens.issue(
      { viewerId, actor: backend.actor, webappId: backend.webappId, runId: backend.runId },
      decision.lifetimeSeconds,
    );
    const { grant } = decision;
    await this.record(
      parties,
      {
        outcome: 'allowed',
        reason: decision.reason,
        details: {
          tokenId: signed.jti,
          expiresAt: signed.expiresAt.toISOString(),
          grant: grant ? { sourceGroup: grant.sourceGroup.name, targetGroup: grant.targetGroup.name, reason: grant.reason } : null,
        },
      },
      ctx,
    );
    return {
      access_token: signed.token,
      issued_token_type: TOKEN_EXCHANGE.accessTokenType,
      token_type: 'Bearer',
      expires_in: decision.lifetimeSeconds,
    };
  }

  /**
   * Rule 5: the actor token is a backend token, never an impersonation token, naming its run and
   * the run's identity. Its run's state and its identity's status are the decision's to judge.
   */
  private async actorOf(actorToken: string): Promise<Backend> {
    if (tokenTypeOf(actorToken) === TOKEN_TYPES.impersonation) throw new OAuthError('actor_is_impersonation_token');
    const claims = await verified(() => this.backendTokens.parse(actorToken), 'actor_token_expired', 'actor_token_invalid');
    const backend = await this.facts.backend(claims);
    if (!backend) throw new OAuthError('actor_token_invalid');
    if (!backend.actor) throw new OAuthError('actor_disabled');
    return { ...backend, actor: backend.actor };
  }

  /** The viewer's user id, from an identity token issued for this very webapp, or a live session. */
  private async subjectOf(request: TokenExchangeRequest, webappId: string): Promise<string> {
    if (request.subjectTokenType === TOKEN_EXCHANGE.sessionTokenType) {
      const session = await this.sessions.userOf(request.subjectToken);
      if ('refused' in session) throw new OAuthError(`subject_${session.refused as 'unknown_session' | 'session_expired' | 'session_idle_timeout'}`);
      return session.userId;
    }
    const typ = tokenTypeOf(request.subjectToken);
    if (typ === TOKEN_TYPES.impersonation) throw new OAuthError('subject_is_impersonation_token');
    if (typ !== TOKEN_TYPES.identity) throw new OAuthError('subject_not_identity_token');
    const claims = await verified(() => this.identityTokens.parse(request.subjectToken, webappId), 'subject_token_expired', 'subject_token_invalid');
    if (claims.sub === ANONYMOUS_SUBJECT) throw new OAuthError('subject_anonymous');
    return claims.sub;
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
