import { Injectable } from '@nestjs/common';
import { ANONYMOUS_LOGIN, ANONYMOUS_SUBJECT, identityAudience, IdentityTokenClaims, identityTokenClaimsSchema, TOKEN_TYPES } from '@behalf/contracts';
import type { SignedJwt } from './jwt';
import { TokenService } from './token.service';

/** Who an identity token names: a user, or nobody (the anonymous viewer of a public webapp). */
export type IdentityTokenViewer = { id: string; login: string; displayName: string; email: string | null; groups: readonly string[] } | null;

/**
 * Identity tokens (`typ: behalf-id+jwt`, `aud: webapp:<id>`): who views a webapp, signed for that
 * webapp alone; never an API credential.
 */
@Injectable()
export class IdentityTokens {
  constructor(private readonly jwt: TokenService) {}

  issue(viewer: IdentityTokenViewer, webappId: string, lifetimeSeconds: number): Promise<SignedJwt> {
    return this.jwt.issue({
      typ: TOKEN_TYPES.identity,
      subject: viewer ? viewer.id : ANONYMOUS_SUBJECT,
      audience: identityAudience(webappId),
      lifetimeSeconds,
      claims: viewer
        ? { preferred_username: viewer.login, name: viewer.displayName, ...(viewer.email ? { email: viewer.email } : {}), groups: [...viewer.groups] }
        : { preferred_username: ANONYMOUS_LOGIN, groups: [] },
    });
  }

  /**
   * The claims of an identity token issued for `webappId`. Verified every time: an identity token
   * is typically presented once.
   * @throws JwtRefusedError
   */
  parse(token: string, webappId: string): Promise<IdentityTokenClaims> {
    return this.jwt.verify(token, { typ: TOKEN_TYPES.identity, audience: identityAudience(webappId) }, identityTokenClaimsSchema);
  }
}
