import { Injectable } from '@nestjs/common';
import type { AuditAction, AuthInfo, IssuedIdentityToken, ViewerAuthInfo } from '@behalf/contracts';
import { ANONYMOUS_LOGIN, ANONYMOUS_SUBJECT, REFUSALS } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { Principal } from '../kernel/principal';
import { SessionService } from '../auth/session.service';
import { SessionCookies } from '../auth/session-cookies';
import { ProblemError } from '../kernel/problem';
import type { UserProfile } from '../identity/user.repository';
import { SecretConsentRepository } from '../secrets/secret-consent.repository';
import { SecretsService } from '../secrets/secrets.service';
import { SettingsService } from '../settings/settings.service';
import { IdentityTokens } from '../tokens/identity-token';
import { JwtRefusedError } from '../tokens/jwt';
import { webappNotFound, WebappPolicy } from '../webapps/webapp.repository';
import { mayView } from './acting-policy';
import { RunRateLimiter } from './run-rate-limiter';
import { RuntimeFacts } from './runtime-facts.service';
import { ViewerCredential, viewerCredentialOf } from './viewer-credentials';
import { waitInWords } from '../common/wait-in-words';

type Headers = Readonly<Record<string, string | readonly string[]>>;
type BackendVia = Extract<Principal['via'], { kind: 'backend_token' }>;
type BackendContext = RequestContext & { principal: Principal & { via: BackendVia } };

/** Who views: a user, or nobody (a public webapp's anonymous viewer). */
type Viewer = { user: UserProfile; credential: ViewerCredential['kind'] } | { user: null; credential: 'none' | 'identity_token' };

/** Why the viewer's credential did not name an active user; `viewer_<reason>` is the catalogue's code. */
type ViewerRefusal = 'unknown_session' | 'session_expired' | 'session_idle_timeout' | 'token_expired' | 'token_invalid' | 'user_inactive' | 'no_credentials';

/**
 * What a webapp backend asks about the people viewing it: who they are (auth info, with their
 * secrets when allowed) and a signed identity token to pass along. Backend tokens only.
 */
@Injectable()
export class RuntimeService {
  constructor(
    private readonly facts: RuntimeFacts,
    private readonly identityTokens: IdentityTokens,
    private readonly sessions: SessionService,
    private readonly secrets: SecretsService,
    private readonly consents: SecretConsentRepository,
    private readonly limiter: RunRateLimiter,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly cookies: SessionCookies,
  ) {}

  async authInfo(headers: Headers, withSecrets: boolean, ctx: RequestContext): Promise<AuthInfo> {
    const action: AuditAction = 'runtime.auth_info';
    const backend = await this.backendOf(ctx);
    const webapp = await this.webappOf(backend);
    const viewer = await this.viewerOf(webapp, headers, backend, action);
    if (!viewer.user) {
      await this.audit.record({ action, outcome: 'succeeded', details: { viewer: ANONYMOUS_LOGIN, via: viewer.credential } }, backend);
      return { authIdentifier: ANONYMOUS_LOGIN, anonymous: true };
    }
    const { user } = viewer;
    const info: ViewerAuthInfo = {
      authIdentifier: user.login,
      userId: user.id,
      displayName: user.displayName,
      email: user.email,
      groups: user.groups.map((g) => g.name),
      anonymous: false,
    };
    let delivered: string[] = [];
    if (withSecrets) {
      if (webapp.settings.hideAccessTokens || (await this.settings.security()).hideAccessTokens) {
        info.secretsHidden = true;
      } else {
        // Both must name a secret: the webapp's admin-approved list and the viewer's consent.
        const approved = webapp.settings.secretNames;
        const consented = await this.consents.names(user.id, webapp.id);
        const names = approved === null ? consented : consented.filter((n) => approved.includes(n));
        const revealed = names.length === 0 ? { secrets: [], unreadable: [] } : await this.secrets.reveal(user.id, names);
        info.secrets = revealed.secrets;
        delivered = revealed.secrets.map((s) => s.name);
        if (revealed.unreadable.length > 0) info.unreadableSecrets = revealed.unreadable.map((u) => u.name);
        if (approved !== null) {
          const without = approved.filter((n) => !consented.includes(n));
          if (without.length > 0) info.secretsWithoutConsent = without;
        }
      }
    }
    if (delivered.length > 0) {
      // The viewer sees it among who acted as them: "webapp W received your secret S".
      await this.audit.record(
        {
          action: 'secret.deliver',
          outcome: 'succeeded',
          onBehalfOf: { userId: user.id, login: user.login },
          target: { type: 'user', id: user.id },
          details: { names: delivered },
        },
        backend,
      );
    }
    await this.audit.record(
      {
        action,
        outcome: 'succeeded',
        target: { type: 'user', id: user.id },
        details: {
          viewer: user.login,
          via: viewer.credential,
          withSecrets,
          // Names only, never values.
          secretsDelivered: delivered,
          ...(info.secretsHidden ? { secretsHidden: true } : {}),
          ...(info.unreadableSecrets ? { secretsUnreadable: info.unreadableSecrets } : {}),
        },
      },
      backend,
    );
    return info;
  }

  async identityToken(headers: Headers, ctx: RequestContext): Promise<IssuedIdentityToken> {
    const action: AuditAction = 'runtime.identity_token';
    const backend = await this.backendOf(ctx);
    const webapp = await this.webappOf(backend);
    const { user, credential } = await this.viewerOf(webapp, headers, backend, action);
    const { identityTokenLifetimeSeconds } = await this.settings.security();
    const signed = await this.identityTokens.issue(
      user && { id: user.id, login: user.login, displayName: user.displayName, email: user.email, groups: user.groups.map((g) => g.name) },
      webapp.id,
      identityTokenLifetimeSeconds,
    );
    await this.audit.record(
      {
        action,
        outcome: 'succeeded',
        target: user ? { type: 'user', id: user.id } : undefined,
        details: { viewer: user?.login ?? ANONYMOUS_LOGIN, via: credential, tokenId: signed.jti, expiresAt: signed.expiresAt.toISOString() },
      },
      backend,
    );
    return { token: signed.token, expiresAt: signed.expiresAt.toISOString() };
  }

  /**
   * The calling backend, within its run's rate limit. The routes admit backend tokens alone (the
   * guard refuses every other credential, audited); this fails closed should that ever change.
   */
  private async backendOf(ctx: RequestContext): Promise<BackendContext> {
    const principal = ctx.principal;
    if (principal?.via.kind !== 'backend_token') throw new ProblemError('forbidden', 'Only a webapp backend may call the runtime API.');
    const wait = await this.limiter.consume(principal.via.runId);
    if (wait !== null) {
      throw new ProblemError('too-many-requests', `This webapp run calls the runtime API too often: try again in ${waitInWords(wait)}.`, undefined, {
        'retry-after': String(wait),
      });
    }
    return ctx as BackendContext;
  }

  private async webappOf(backend: BackendContext): Promise<WebappPolicy> {
    // The backend token was just accepted, so its webapp existed a moment ago; it may be deleted since.
    const webapp = await this.facts.webapp(backend.principal.via.webappId);
    if (!webapp) throw webappNotFound(backend.principal.via.webappId);
    return webapp;
  }

  /**
   * The viewer behind the browser headers. No credential: the anonymous viewer of a public
   * webapp, else 401. A credential that does not hold: 401 (never anonymous, so a stale cookie is
   * visible as such). A viewer the webapp's access setting excludes: 403. Refusals are audited.
   */
  private async viewerOf(webapp: WebappPolicy, headers: Headers, backend: BackendContext, action: AuditAction): Promise<Viewer> {
    const credential = viewerCredentialOf(headers, this.cookies.session);
    const found = await this.userOf(credential, webapp);
    if (found === 'anonymous') {
      if (webapp.settings.access === 'public') return { user: null, credential: credential.kind === 'identity_token' ? 'identity_token' : 'none' };
      return this.refuseViewer(action, credential, 'no_credentials', backend);
    }
    if (typeof found === 'string') return this.refuseViewer(action, credential, found, backend);
    if (!mayView(found, webapp)) {
      await this.audit.record(
        {
          action,
          outcome: 'denied',
          reason: 'viewer_cannot_view',
          target: { type: 'user', id: found.id },
          details: { viewer: found.login, via: credential.kind },
        },
        backend,
      );
      throw new ProblemError('viewer-forbidden', `${found.login} may not view this webapp (its access setting).`);
    }
    return { user: found, credential: credential.kind };
  }

  private async refuseViewer(action: AuditAction, credential: ViewerCredential, reason: ViewerRefusal, backend: BackendContext): Promise<never> {
    const code = `viewer_${reason}` as const;
    await this.audit.record({ action, outcome: 'denied', reason: code, details: { via: credential.kind } }, backend);
    throw new ProblemError(REFUSALS[code].problem, REFUSALS[code].message);
  }

  /** The active user a credential names; `anonymous` for none (or an anonymous identity token); else why not. */
  private async userOf(credential: ViewerCredential, webapp: WebappPolicy): Promise<UserProfile | 'anonymous' | ViewerRefusal> {
    let userId: string;
    if (credential.kind === 'none') return 'anonymous';
    if (credential.kind === 'session') {
      const session = await this.sessions.userOf(credential.token);
      if ('refused' in session) return session.refused as Exclude<typeof session.refused, 'user_disabled'>;
      userId = session.userId;
    } else {
      try {
        const claims = await this.identityTokens.parse(credential.token, webapp.id);
        if (claims.sub === ANONYMOUS_SUBJECT) return 'anonymous';
        userId = claims.sub;
      } catch (error) {
        if (error instanceof JwtRefusedError) return error.reason;
        throw error;
      }
    }
    const user = await this.facts.user(userId);
    return user?.active ? user : 'user_inactive';
  }
}
