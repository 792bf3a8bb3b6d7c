import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { GatewayRoute, GatewayRoutes, GatewayViewer, GatewayViewerRequest, RefusalCode } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { SessionService } from '../auth/session.service';
import { sha256Hex } from '../common/hashing';
import { RequestContext } from '../kernel/request-context';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { PgPool } from '../platform/database/pg-pool';
import { mayView } from '../runtime/acting-policy';
import { RuntimeFacts } from '../runtime/runtime-facts.service';
import { SettingsService } from '../settings/settings.service';
import { IdentityTokens } from '../tokens/identity-token';
import { webappNotFound } from '../webapps/webapp.repository';
import { GatewaySessionRepository } from './gateway-session.repository';

/** How long a route request waits for a change before answering the same routes again. */
export const ROUTES_WAIT_MS = 20_000;

const ROUTES_SQL = `
  SELECT w.id::text AS id, w.slug, w.access::text AS access, w.propagate_identity_header, w.propagate_identity_jwt,
         r.id::text AS run_id, r.upstream_url
    FROM webapps w
    LEFT JOIN LATERAL (
      SELECT id, upstream_url FROM webapp_runs
       WHERE webapp_id = w.id AND stopped_at IS NULL AND upstream_url IS NOT NULL
       ORDER BY started_at DESC, id DESC LIMIT 1
    ) r ON true
   ORDER BY w.slug`;

interface RouteRow {
  id: string;
  slug: string;
  access: GatewayRoute['access'];
  propagate_identity_header: boolean;
  propagate_identity_jwt: boolean;
  run_id: string | null;
  upstream_url: string | null;
}

/**
 * What the gateway asks the API: every webapp's route (slug, access, identity propagation, the
 * live run's upstream), answered at once or, long-polled, at the next change; and who a gateway
 * session's viewer is and whether they may view its webapp, with an identity token to inject.
 */
@Injectable()
export class GatewayService implements OnModuleDestroy {
  /** Versions are this process's: another replica's (or a restarted one's) never match. */
  private readonly boot = randomUUID().slice(0, 8);
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly pg: PgPool,
    private readonly feed: ChangeFeed,
    private readonly sessions: SessionService,
    private readonly store: GatewaySessionRepository,
    private readonly facts: RuntimeFacts,
    private readonly identityTokens: IdentityTokens,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
  ) {}

  private version(): string {
    return `${this.boot}.${this.feed.generation}`;
  }

  /** The routes; when `after` is the current version, first waits (up to {@link ROUTES_WAIT_MS}) for a change. */
  async routes(after: string | undefined): Promise<GatewayRoutes> {
    if (after !== undefined && after === this.version()) await this.nextChange();
    const version = this.version();
    const rows = await this.pg.prepared<RouteRow>('behalf_gateway_routes', ROUTES_SQL, []);
    return {
      version,
      routes: rows.map((r) => ({
        webappId: r.id,
        slug: r.slug,
        access: r.access,
        identityPropagation: { header: r.propagate_identity_header, jwt: r.propagate_identity_jwt },
        run: r.run_id && r.upstream_url ? { id: r.run_id, upstreamUrl: r.upstream_url } : null,
      })),
    };
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        cancel();
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ROUTES_WAIT_MS);
      const cancel = this.feed.once(done);
      this.wakers.add(done);
    });
  }

  /** Shutting down: waiting route requests answer now rather than hold the server open. */
  onModuleDestroy(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * Who views through a gateway session (none: anonymously), and whether they may view the
   * webapp: `allow` (with an identity token when asked), `login` (no live session: sign in), or
   * `forbid` (a user the access setting excludes). Refusals are audited.
   */
  async viewer(request: GatewayViewerRequest, ctx: RequestContext): Promise<GatewayViewer> {
    const webapp = await this.facts.webapp(request.webappId);
    if (!webapp) throw webappNotFound(request.webappId);
    const refuse = async (decision: 'login' | 'forbid', reason: RefusalCode, userId?: string): Promise<GatewayViewer> => {
      await this.audit.refusal(
        {
          action: 'gateway.view',
          outcome: 'denied',
          reason,
          webappId: webapp.id,
          ...(userId ? { target: { type: 'user', id: userId } } : {}),
        },
        ctx,
      );
      return { decision, reason };
    };
    if (request.session === undefined) {
      if (webapp.settings.access !== 'public') return { decision: 'login', reason: 'no_credentials' };
      return this.allow(null, webapp.id, request.identityToken === true, ctx);
    }
    const state = await this.store.state(sha256Hex(request.session));
    if (!state || state.webappId !== webapp.id) return refuse('login', 'unknown_session');
    // Only the viewer's own activity keeps their session from idling out, not the gateway's re-checks.
    const ended = await this.sessions.holds(state.session, request.active === true);
    if (ended) return refuse('login', ended.refused, state.userId);
    const user = await this.facts.user(state.userId);
    if (!user || !user.active) return refuse('login', 'user_disabled', state.userId);
    if (!mayView(user, webapp)) return refuse('forbid', 'viewer_cannot_view', user.id);
    return this.allow(user, webapp.id, request.identityToken === true, ctx);
  }

  private async allow(
    user: { id: string; login: string; displayName: string; email: string | null; groups: { name: string }[] } | null,
    webappId: string,
    withToken: boolean,
    ctx: RequestContext,
  ): Promise<GatewayViewer> {
    const viewer = user && { id: user.id, login: user.login, displayName: user.displayName, email: user.email, groups: user.groups.map((g) => g.name) };
    if (!withToken) return { decision: 'allow', viewer };
    const { identityTokenLifetimeSeconds } = await this.settings.security();
    const signed = await this.identityTokens.issue(viewer, webappId, identityTokenLifetimeSeconds);
    await this.audit.record(
      {
        action: 'gateway.identity_token',
        outcome: 'succeeded',
        webappId,
        ...(viewer ? { target: { type: 'user', id: viewer.id } } : {}),
        details: { viewer: viewer?.login ?? 'Anonymous', tokenId: signed.jti, expiresAt: signed.expiresAt.toISOString() },
      },
      ctx,
    );
    return { decision: 'allow', viewer, identityToken: { token: signed.token, expiresAt: signed.expiresAt.toISOString() } };
  }
}
