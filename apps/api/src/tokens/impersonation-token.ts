import { Injectable } from '@nestjs/common';
import { API_AUDIENCE, ImpersonationTokenClaims, impersonationTokenClaimsSchema, TOKEN_TYPES, webappClientId } from '@behalf/contracts';
import type { SignedJwt } from './jwt';
import { TokenService } from './token.service';

/**
 * Impersonation access tokens (`typ: at+jwt`, RFC 9068, `aud: behalf-api`): the viewer (`sub`) as
 * acted for by a webapp run's identity (`act`, RFC 8693 §4.1).
 */
@Injectable()
export class ImpersonationTokens {
  constructor(private readonly jwt: TokenService) {}

  issue(grant: { viewerId: string; actor: { id: string; login: string }; webappId: string; runId: string }, lifetimeSeconds: number): Promise<SignedJwt> {
    return this.jwt.issue({
      typ: TOKEN_TYPES.impersonation,
      subject: grant.viewerId,
      audience: API_AUDIENCE,
      lifetimeSeconds,
      claims: {
        client_id: webappClientId(grant.webappId),
        act: { sub: grant.actor.id, login: grant.actor.login, webapp_id: grant.webappId, run_id: grant.runId },
      },
    });
  }

  /**
   * The claims of a valid impersonation token, remembered until it expires; whether the
   * impersonation still holds is the caller's to judge on every use.
   * @throws JwtRefusedError
   */
  parse(token: string): Promise<ImpersonationTokenClaims> {
    return this.jwt.verifyRemembered(token, { typ: TOKEN_TYPES.impersonation, audience: API_AUDIENCE }, impersonationTokenClaimsSchema);
  }
}
