import { Injectable } from '@nestjs/common';
import { TOKEN_TYPES } from '@behalf/contracts';
import type { TokenAuthenticationPort } from '../auth/token-authentication.port';
import type { Principal } from '../kernel/principal';
import type { Refusal } from '../kernel/refusal';
import { BackendTokens } from '../tokens/backend-token';
import { ImpersonationTokens } from '../tokens/impersonation-token';
import { JwtRefusedError } from '../tokens/jwt';
import { tokenTypeOf } from '../tokens/token.service';
import { RuntimeFacts } from './runtime-facts.service';

/** The parsed claims, or the catalogue's refusal for a token that does not verify. */
async function parsed<T>(parse: () => Promise<T>): Promise<{ claims: T } | { refused: Refusal }> {
  try {
    return { claims: await parse() };
  } catch (error) {
    if (error instanceof JwtRefusedError) return { refused: { code: error.reason } };
    throw error;
  }
}

/**
 * Behalf's JWTs as API credentials, provided to the guard through auth's port: a backend token
 * (the principal is the run's identity, with the webapp and run attached) or an impersonation
 * token (the viewer, with exactly the viewer's rights and the actor attached). An impersonation
 * token is judged by the whole policy again on every request, from the read model's caches that
 * every replica empties on any relevant change: a removed grant or membership, a disabled user, a
 * stopped run or a webapp no longer allowing impersonation refuses it within a second.
 */
@Injectable()
export class TokenPrincipals implements TokenAuthenticationPort {
  constructor(
    private readonly backendTokens: BackendTokens,
    private readonly impersonationTokens: ImpersonationTokens,
    private readonly facts: RuntimeFacts,
  ) {}

  async authenticate(token: string): Promise<{ principal: Principal } | { refused: Refusal; via: 'backend_token' | 'impersonation_token' }> {
    const impersonation = tokenTypeOf(token) === TOKEN_TYPES.impersonation;
    const result = impersonation ? await this.impersonationPrincipal(token) : await this.backendPrincipal(token);
    if ('userId' in result) return { principal: result };
    return { refused: result, via: impersonation ? 'impersonation_token' : 'backend_token' };
  }

  private async backendPrincipal(token: string): Promise<Principal | Refusal> {
    const verified = await parsed(() => this.backendTokens.parse(token));
    if ('refused' in verified) return verified.refused;
    const backend = await this.facts.backend(verified.claims);
    if (!backend) return { code: 'token_invalid' };
    if (backend.run.stopped) return { code: 'run_stopped' };
    if (!backend.actor?.active) return { code: 'run_identity_inactive' };
    return {
      userId: backend.actor.id,
      login: backend.actor.login,
      permissions: new Set(backend.actor.permissions),
      via: { kind: 'backend_token', webappId: backend.webappId, runId: backend.runId, tokenId: backend.tokenId },
    };
  }

  private async impersonationPrincipal(token: string): Promise<Principal | Refusal> {
    const verified = await parsed(() => this.impersonationTokens.parse(token));
    if ('refused' in verified) return verified.refused;
    const { claims } = verified;
    const { act } = claims;
    const run = await this.facts.run(act.run_id);
    if (!run || run.webappId !== act.webapp_id) return { code: 'token_invalid' };
    const acting = await this.facts.acting(run, act.sub, claims.sub);
    if (!acting) return { code: 'impersonation_revoked' };
    if (!acting.decision.allowed) return { code: 'impersonation_revoked', about: acting.decision.reason };
    const { actor, viewer } = acting;
    return {
      userId: viewer.id,
      login: viewer.login,
      permissions: new Set(viewer.permissions),
      via: {
        kind: 'impersonation',
        webappId: run.webappId,
        runId: act.run_id,
        tokenId: claims.jti,
        actor: { userId: actor.id, login: actor.login, permissions: new Set(actor.permissions) },
      },
    };
  }
}
