import { Inject, Injectable } from '@nestjs/common';
import type { Page, RefreshedBackendToken, RunIdentity, StartedRun, WebappRun } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { effectivePermissions } from '../auth/principal-of-user';
import { DatasetsService } from '../datasets/datasets.service';
import { CLOCK, Clock } from '../kernel/clock';
import { decodeCursor, toPage } from '../kernel/pagination';
import { CONFIG, Config } from '../platform/config/config';
import { ProblemError } from '../kernel/problem';
import { UserRepository, UserWithGroups } from '../identity/user.repository';
import { SettingsService } from '../settings/settings.service';
import type { SignedJwt } from '../tokens/jwt';
import { BackendTokens } from '../tokens/backend-token';
import { runAsOf, startDecision } from './webapp-access';
import { RunAuthority } from './run-authority.service';
import { runEndsAt } from './run-lifetime';
import { upstreamRefusal } from './upstream-url';
import { RunRecord, RunRepository } from './run.repository';
import { AuthenticatedContext, WebappsService } from './webapps.service';

/** The run with its latest end, from the maximum run lifetime in force. */
function withEnd(run: RunRecord, maxRunLifetimeSeconds: number): WebappRun {
  return { ...run, endsAt: runEndsAt(run.startedAt, maxRunLifetimeSeconds).toISOString() };
}

const runNotFound = (runId: string) => new ProblemError('not-found', `This webapp has no run with id ${runId}.`);

/** Runs of webapps: starting one resolves its identity and issues its backend token. */
@Injectable()
export class RunsService {
  constructor(
    private readonly webapps: WebappsService,
    private readonly runs: RunRepository,
    private readonly users: UserRepository,
    private readonly backendTokens: BackendTokens,
    private readonly settings: SettingsService,
    private readonly datasets: DatasetsService,
    private readonly authority: RunAuthority,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Starts a run, by the one start rule (`webapp-access.ts#startDecision`): owners and admins
   * start any webapp, and in `starter` mode anyone who may view it, as themselves. A run never
   * gives its starter a permission they lack: when its identity holds one and no admin pinned it,
   * the start is a 409 saying why and who can fix it. The identity must be an active user: a
   * disabled or deleted one is a 409 that names them, never a silent fallback to someone else.
   */
  async start(webappId: string, input: { upstreamUrl?: string }, ctx: AuthenticatedContext): Promise<StartedRun> {
    if (input.upstreamUrl !== undefined) this.requireUpstream(input.upstreamUrl, 'body.upstreamUrl');
    const webapp = await this.webapps.authorize(webappId, ctx, 'view');
    const planned = await this.users.withGroups(runAsOf(webapp, { id: ctx.principal.userId, login: ctx.principal.login }).userId);
    // The rule judges who may start before it asks what the identity holds: a non-manager learns nothing of it.
    const decision = startDecision(ctx.principal, webapp, () => (planned ? effectivePermissions(planned) : new Set()));
    if (!decision.allowed) {
      if (decision.reason !== 'identity_outranks_starter') {
        throw new ProblemError('forbidden', 'Only the webapp’s owner and admins may start it (anyone who may view it, in starter mode).');
      }
      await this.audit.record(
        {
          action: 'webapp.run.start',
          outcome: 'denied',
          reason: 'identity_outranks_starter',
          target: { type: 'webapp', id: webappId },
          webappId,
          details: { identity: decision.identity, missing: decision.missing },
        },
        ctx,
      );
      throw new ProblemError(
        'conflict',
        `This webapp would run as ${decision.identity.login} (${decision.identity.source === 'explicit' ? 'its run-as user, not pinned by an admin' : 'who last changed its source'}), who holds ${decision.missing.join(', ')}, which you lack. ` +
          `An admin can allow it by pinning that run-as user (PATCH /api/v1/webapps/${webappId}/settings {"runAsUserId": "${decision.identity.userId}"}), ` +
          `or someone holding no more than your permissions can edit the webapp’s source, or an admin can start it.`,
      );
    }
    const { identity } = decision;
    const identityUser = this.requireActive(identity, planned);
    const at = this.clock.now();
    const run = await this.runs.create({
      webappId,
      identity: { id: identity.userId, login: identity.login, source: identity.source },
      startedBy: { id: ctx.principal.userId, login: ctx.principal.login },
      upstreamUrl: input.upstreamUrl ?? null,
      at,
    });
    const token = await this.backendToken(webappId, run);
    await this.audit.record(
      {
        action: 'webapp.run.start',
        outcome: 'succeeded',
        target: { type: 'webapp_run', id: run.id },
        webappId,
        details: { identity, source: webapp.source, upstreamUrl: run.upstreamUrl, tokenId: token.jti, expiresAt: token.expiresAt.toISOString() },
      },
      ctx,
    );
    return {
      runId: run.id,
      identity,
      source: webapp.source,
      backendToken: token.token,
      expiresAt: token.expiresAt.toISOString(),
      env: { BEHALF_URL: this.config.http.publicUrl, BEHALF_WEBAPP_ID: webappId, BEHALF_RUN_ID: run.id, BEHALF_BACKEND_TOKEN: token.token },
      // Off: no mounts, and the backend reads data through the dataset API with its token.
      mounts: webapp.settings.mountDatasets ? await this.datasets.mountsFor({ userId: identityUser.id, permissions: effectivePermissions(identityUser) }) : [],
    };
  }

  /**
   * A fresh backend token for a live run: for its managers, its starter, and the run's own
   * backend. It never outlives the run's maximum lifetime.
   */
  async refresh(webappId: string, runId: string, ctx: AuthenticatedContext): Promise<RefreshedBackendToken> {
    const run = await this.runFor(webappId, runId, ctx, 'control');
    if (run.status === 'stopped') throw new ProblemError('conflict', 'This run has stopped: start a new one.');
    if (new Date(run.endsAt).getTime() <= this.clock.now().getTime()) {
      throw new ProblemError('conflict', 'This run has reached the maximum run lifetime: start a new one.');
    }
    this.requireActive(run.identity, await this.users.withGroups(run.identity.userId));
    const token = await this.backendToken(webappId, run);
    await this.audit.record(
      {
        action: 'webapp.run.refresh',
        outcome: 'succeeded',
        target: { type: 'webapp_run', id: run.id },
        webappId,
        details: { tokenId: token.jti, expiresAt: token.expiresAt.toISOString() },
      },
      ctx,
    );
    return { backendToken: token.token, expiresAt: token.expiresAt.toISOString() };
  }

  /**
   * Where the run's backend listens, as the run reports it (its own backend token only): the
   * gateway routes the webapp's origin there within a second. Loopback or an allow-listed
   * network; never link-local or a metadata address.
   */
  async setUpstream(webappId: string, runId: string, url: string, ctx: AuthenticatedContext): Promise<WebappRun> {
    const via = ctx.principal.via;
    if (via.kind !== 'backend_token' || via.runId !== runId || via.webappId !== webappId) throw runNotFound(runId);
    this.requireUpstream(url, 'body.url');
    if (!(await this.runs.setUpstream(webappId, runId, url))) throw new ProblemError('conflict', 'This run has stopped: start a new one.');
    await this.audit.record(
      { action: 'webapp.run.upstream', outcome: 'succeeded', target: { type: 'webapp_run', id: runId }, webappId, details: { upstreamUrl: url } },
      ctx,
    );
    return this.runFor(webappId, runId, ctx, 'control');
  }

  private requireUpstream(url: string, path: string): void {
    const refusal = upstreamRefusal(url, this.config.gateway.upstreamNetworks);
    if (refusal) throw new ProblemError('validation-failed', 'The request body is invalid.', [{ path, message: refusal }]);
  }

  /** Stops the run: its backend tokens are refused from now on, on every replica. Idempotent. */
  async stop(webappId: string, runId: string, ctx: AuthenticatedContext): Promise<void> {
    const run = await this.runFor(webappId, runId, ctx, 'control');
    await this.authority.stop(run, 'stopped', ctx);
  }

  async get(webappId: string, runId: string, ctx: AuthenticatedContext): Promise<WebappRun> {
    return this.runFor(webappId, runId, ctx, 'read');
  }

  /** Managers see every run; other viewers the runs they started. */
  async list(webappId: string, ctx: AuthenticatedContext, limit: number, cursor: string | undefined): Promise<Page<WebappRun>> {
    const webapp = await this.webapps.authorize(webappId, ctx, 'view');
    const mine = webapp.access === 'manage' ? undefined : ctx.principal.userId;
    const after = decodeCursor(cursor, ['timestamp', 'uuid']) as [string, string] | undefined;
    const { maxRunLifetimeSeconds } = await this.settings.security();
    return toPage(
      await this.runs.list(webappId, mine, after, limit + 1),
      limit,
      (r) => withEnd(r, maxRunLifetimeSeconds),
      (r) => [r.startedAt, r.id],
    );
  }

  /**
   * The run if the caller may `read` it (managers, its starter) or `control` it (the same, and
   * the run's own backend). Anyone else learns nothing about it.
   */
  private async runFor(webappId: string, runId: string, ctx: AuthenticatedContext, need: 'read' | 'control'): Promise<WebappRun> {
    const via = ctx.principal.via;
    // A run's own backend controls its run whoever its identity is, and whatever it may view.
    const ownBackend = need === 'control' && via.kind === 'backend_token' && via.runId === runId && via.webappId === webappId;
    // Webapp code controls nothing but its own run, whoever it runs as.
    if (via.kind === 'backend_token' && !ownBackend) throw runNotFound(runId);
    const access = ownBackend ? undefined : (await this.webapps.authorize(webappId, ctx, 'view')).access;
    const run = await this.runs.get(webappId, runId);
    if (!run || !(ownBackend || access === 'manage' || run.startedBy.id === ctx.principal.userId)) throw runNotFound(runId);
    return withEnd(run, (await this.settings.security()).maxRunLifetimeSeconds);
  }

  /** `user` (the identity, as read), unless deleted or disabled: a 409 that names them. */
  private requireActive(identity: RunIdentity, user: UserWithGroups | null): UserWithGroups {
    const what =
      identity.source === 'starter'
        ? 'The starting user'
        : `The run-as user ${identity.login} (${identity.source === 'explicit' ? 'chosen by an admin' : 'the last modifier'})`;
    if (!user) throw new ProblemError('conflict', `${what} has been deleted: an admin must choose another run-as user, or someone must edit the webapp.`);
    if (!user.active) throw new ProblemError('conflict', `${what} is disabled: enable them, or choose another run-as user.`);
    return user;
  }

  /** A backend token for the run, expiring with it at the latest. */
  private async backendToken(webappId: string, run: Pick<WebappRun, 'id' | 'identity' | 'startedAt'>): Promise<SignedJwt> {
    const { backendTokenLifetimeSeconds, maxRunLifetimeSeconds } = await this.settings.security();
    const left = Math.floor((runEndsAt(run.startedAt, maxRunLifetimeSeconds).getTime() - this.clock.now().getTime()) / 1000);
    return this.backendTokens.issue({ webappId, runId: run.id, identityUserId: run.identity.userId }, Math.max(1, Math.min(backendTokenLifetimeSeconds, left)));
  }
}
