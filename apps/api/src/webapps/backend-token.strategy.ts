import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { API_AUDIENCE, TOKEN_TYPES } from '@behalf/contracts';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { AuditService } from '../audit/audit.service';
import { requestContextOf } from '../audit/request-context';
import { Principal } from '../auth/principal';
import { bearerJwt, JWT_STRATEGY, refuse } from '../auth/strategies';
import { GenerationalCache } from '../common/generational-cache';
import { isUuid } from '../common/user-ref';
import { CONFIG, Config } from '../config/config';
import { ChangeFeed } from '../database/change-feed.service';
import { JwtRefusedError } from '../tokens/jwt';
import { TokenService } from '../tokens/token.service';
import { RunRepository, RunState } from './run.repository';

/**
 * Authenticates `Authorization: Bearer <backend token>`: a JWT of `typ behalf-backend+jwt`
 * (signature, `iss`, `aud`, `exp`, `nbf` checked by the token service), whose run is live and
 * whose identity is an active user. The principal acts as that identity, with the webapp and run
 * attached. Run states are cached per replica and dropped on any change notification, so a
 * stopped run's tokens die everywhere within a second.
 */
@Injectable()
export class BackendTokenStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  private readonly states: GenerationalCache<RunState | null>;

  constructor(
    private readonly tokens: TokenService,
    private readonly runs: RunRepository,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
    @Inject(CONFIG) config: Config,
  ) {
    super();
    this.states = new GenerationalCache(config.decisionCacheTtlMs);
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    const token = bearerJwt(request);
    if (!token) return false;
    const result = await this.principalFor(token);
    if (typeof result === 'string') {
      refuse(request, result);
      await this.audit.record({ action: 'auth.authenticate', outcome: 'failed', reason: result, details: { credential: 'backend_token' } }, requestContextOf(request));
      return false;
    }
    return result;
  }

  private async principalFor(token: string): Promise<Principal | string> {
    let claims;
    try {
      claims = await this.tokens.verify(token, { typ: TOKEN_TYPES.backend, audience: API_AUDIENCE });
    } catch (error) {
      if (error instanceof JwtRefusedError) return error.reason;
      throw error;
    }
    const { run_id: runId, webapp_id: webappId, sub, jti } = claims;
    if (typeof runId !== 'string' || typeof webappId !== 'string' || !isUuid(runId)) return 'token_invalid';
    const state = await this.state(runId);
    if (!state || state.webappId !== webappId || state.identity.userId !== sub) return 'token_invalid';
    if (state.stopped) return 'run_stopped';
    if (!state.identity.active || !state.identity.login) return 'run_identity_inactive';
    return {
      userId: state.identity.userId,
      login: state.identity.login,
      permissions: new Set(state.identity.permissions),
      via: { kind: 'backend_token', webappId, runId, tokenId: String(jti) },
    };
  }

  private state(runId: string): Promise<RunState | null> {
    return this.states.through(runId, () => this.feed.generation, () => this.runs.state(runId));
  }
}
