import { Injectable } from '@nestjs/common';
import { API_AUDIENCE, BackendTokenClaims, backendTokenClaimsSchema, TOKEN_TYPES } from '@behalf/contracts';
import type { SignedJwt } from './jwt';
import { TokenService } from './token.service';

/**
 * Backend tokens (`typ: behalf-backend+jwt`, `aud: behalf-api`): what a webapp run holds to call
 * the API as its run identity (`sub`), naming its webapp and run.
 */
@Injectable()
export class BackendTokens {
  constructor(private readonly jwt: TokenService) {}

  issue(run: { webappId: string; runId: string; identityUserId: string }, lifetimeSeconds: number): Promise<SignedJwt> {
    return this.jwt.issue({
      typ: TOKEN_TYPES.backend,
      subject: run.identityUserId,
      audience: API_AUDIENCE,
      lifetimeSeconds,
      claims: { webapp_id: run.webappId, run_id: run.runId },
    });
  }

  /**
   * The claims of a valid backend token. Presented on every call a backend makes, a token that
   * verified is remembered until it expires (the signature is the costly part); whether its run
   * still runs is the caller's to check on every use.
   * @throws JwtRefusedError
   */
  parse(token: string): Promise<BackendTokenClaims> {
    return this.jwt.verifyRemembered(token, { typ: TOKEN_TYPES.backend, audience: API_AUDIENCE }, backendTokenClaimsSchema);
  }
}
