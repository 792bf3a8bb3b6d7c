import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { API_AUDIENCE, TOKEN_TYPES } from '@behalf/contracts';
import type { FastifyRequest } from 'fastify';
import type { JWTPayload } from 'jose';
import { Strategy } from 'passport-custom';
import { AuditService } from '../audit/audit.service';
import { requestContextOf } from '../kernel/request-context';
import { Principal } from '../kernel/principal';
import { bearerJwt, JWT_STRATEGY, refuse } from '../auth/strategies';
import { isUuid } from '../kernel/uuid';
import type { UserProfile } from '../identity/user.repository';
import { JwtRefusal, JwtRefusedError } from '../tokens/jwt';
import { jwtType, TokenService } from '../tokens/token.service';
import type { RunState } from '../webapps/run.repository';
import { RuntimeFacts } from './runtime-facts.service';

/** A backend token whose signature and claims are good, with its run and the run's identity. */
export interface VerifiedBackendToken {
  run: RunState;
  webappId: string;
  runId: string;
  /** The run's identity (the token's `sub`), or null when that user was deleted. */
  actor: UserProfile | null;
  tokenId: string;
}

/**
 * Verifies a backend token (`typ: behalf-backend+jwt`) and finds its run and the run's identity:
 * the one check shared by API calls made with it and by the token exchange's `actor_token`.
 * Whether the run still runs and its identity is active, each caller judges (the exchange's
 * policy names those reasons). Verified tokens are remembered until they expire (the signature
 * is the costly part); the run and identity come from the change-feed caches on every use, so a
 * stopped run's tokens die at once.
 * @returns the token's run, or why the token is refused
 */
export async function verifyBackendToken(token: string, tokens: TokenService, facts: RuntimeFacts): Promise<VerifiedBackendToken | JwtRefusal> {
  let claims: JWTPayload;
  try {
    claims = await tokens.verifyRemembered(token, { typ: TOKEN_TYPES.backend, audience: API_AUDIENCE });
  } catch (error) {
    if (error instanceof JwtRefusedError) return error.reason;
    throw error;
  }
  const { run_id: runId, webapp_id: webappId, sub, jti } = claims;
  if (typeof runId !== 'string' || typeof webappId !== 'string' || typeof sub !== 'string' || !isUuid(runId)) return 'token_invalid';
  const run = await facts.run(runId);
  if (!run || run.webappId !== webappId || run.identityUserId !== sub) return 'token_invalid';
  return { run, webappId, runId, actor: await facts.user(sub), tokenId: String(jti) };
}

/**
 * Authenticates `Authorization: Bearer <JWT>` for the API: a backend token (the principal is the
 * run's identity, with the webapp and run attached) or an impersonation access token (the
 * principal is the viewer, with exactly the viewer's rights and the actor attached). An
 * impersonation token is judged by the whole policy again on every request, from caches that
 * every replica empties on any relevant change: a removed grant or membership, a disabled user,
 * a stopped run or a webapp no longer allowing impersonation refuses it within a second.
 * Identity tokens are never API credentials.
 */
@Injectable()
export class BearerJwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    private readonly tokens: TokenService,
    private readonly facts: RuntimeFacts,
    private readonly audit: AuditService,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    const token = bearerJwt(request);
    if (!token) return false;
    const impersonation = jwtType(token) === TOKEN_TYPES.impersonation;
    const result = impersonation ? await this.impersonationPrincipal(token) : await this.backendPrincipal(token);
    if (typeof result === 'string') {
      refuse(request, result);
      // Aggregated per source, reason and minute: anyone can send refused tokens.
      await this.audit.refusal(
        { action: 'auth.authenticate', outcome: 'failed', reason: result, details: { via: impersonation ? 'impersonation_token' : 'backend_token' } },
        requestContextOf(request),
      );
      return false;
    }
    return result;
  }

  private async backendPrincipal(token: string): Promise<Principal | string> {
    const backend = await verifyBackendToken(token, this.tokens, this.facts);
    if (typeof backend === 'string') return backend;
    if (backend.run.stopped) return 'run_stopped';
    if (!backend.actor?.active) return 'run_identity_inactive';
    return {
      userId: backend.actor.id,
      login: backend.actor.login,
      permissions: new Set(backend.actor.permissions),
      via: { kind: 'backend_token', webappId: backend.webappId, runId: backend.runId, tokenId: backend.tokenId },
    };
  }

  private async impersonationPrincipal(token: string): Promise<Principal | string> {
    let claims: JWTPayload;
    try {
      claims = await this.tokens.verifyRemembered(token, { typ: TOKEN_TYPES.impersonation, audience: API_AUDIENCE });
    } catch (error) {
      if (error instanceof JwtRefusedError) return error.reason;
      throw error;
    }
    const act = claims.act as Record<string, unknown> | undefined;
    const { sub, jti } = claims;
    const runId = act?.run_id;
    const actorId = act?.sub;
    if (typeof sub !== 'string' || !isUuid(sub) || typeof runId !== 'string' || !isUuid(runId) || typeof actorId !== 'string' || !isUuid(actorId)) {
      return 'token_invalid';
    }
    const run = await this.facts.run(runId);
    if (!run || run.webappId !== act?.webapp_id) return 'token_invalid';
    const acting = await this.facts.acting(run, actorId, sub);
    if (!acting) return 'impersonation_revoked';
    if (!acting.decision.allowed) return `impersonation_revoked:${acting.decision.reason}`;
    const { actor } = acting;
    return {
      userId: acting.viewer.id,
      login: acting.viewer.login,
      permissions: new Set(acting.viewer.permissions),
      via: {
        kind: 'impersonation',
        webappId: run.webappId,
        runId,
        tokenId: String(jti),
        actor: { userId: actor.id, login: actor.login, permissions: new Set(actor.permissions) },
      },
    };
  }
}
