import { Inject, Injectable } from '@nestjs/common';
import type { Page, RefreshedBackendToken, RunIdentity, StartedRun, WebappRun } from '@behalf/contracts';
import { API_AUDIENCE, TOKEN_TYPES } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { effectivePermissions } from '../auth/principal-of-user';
import { DatasetsService } from '../datasets/datasets.service';
import { CLOCK, Clock } from '../common/clock';
import { decodeCursor, invalidCursor, toPage } from '../common/pagination';
import { CONFIG, Config } from '../config/config';
import { ChangeFeed } from '../database/change-feed.service';
import { ProblemError } from '../http/problem';
import { UserRepository, UserWithGroups } from '../identity/user.repository';
import { SettingsService } from '../settings/settings.service';
import type { SignedJwt } from '../tokens/jwt';
import { TokenService } from '../tokens/token.service';
import { runAsOf } from './webapp-access';
import { RunRepository } from './run.repository';
import { AuthenticatedContext, WebappsService } from './webapps.service';

const runNotFound = (runId: string) => new ProblemError('not-found', `This webapp has no run with id ${runId}.`);

/** Runs of webapps: starting one resolves its identity and issues its backend token. */
@Injectable()
export class RunsService {
  constructor(
    private readonly webapps: WebappsService,
    private readonly runs: RunRepository,
    private readonly users: UserRepository,
    private readonly tokens: TokenService,
    private readonly settings: SettingsService,
    private readonly datasets: DatasetsService,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Owners and admins start any webapp; in `starter` mode anyone who may view it starts it as
   * themselves. The run's identity must be an active user: a disabled or deleted one is a 409
   * that names them, never a silent fallback to someone else.
   */
  async start(webappId: string, input: { upstreamUrl?: string }, ctx: AuthenticatedContext): Promise<StartedRun> {
    const webapp = await this.webapps.authorize(webappId, ctx, 'view');
    if (webapp.access !== 'manage' && webapp.settings.identityMode !== 'starter') {
      throw new ProblemError('forbidden', 'Only the webapp’s owner and admins may start it (anyone who may view it, in starter mode).');
    }
    const identity = runAsOf(webapp, { id: ctx.principal.userId, login: ctx.principal.login });
    const user = await this.requireActive(identity);
    const run = await this.runs.create({
      webappId,
      identity: { id: identity.userId, login: identity.login, source: identity.source },
      startedBy: { id: ctx.principal.userId, login: ctx.principal.login },
      upstreamUrl: input.upstreamUrl ?? null,
      at: this.clock.now(),
    });
    const token = await this.backendToken(webappId, run);
    await this.audit.record(
      {
        action: 'webapp.run.start',
        outcome: 'succeeded',
        target: { type: 'webapp_run', id: run.id },
        webappId,
        details: { identity, upstreamUrl: run.upstreamUrl, tokenId: token.jti, expiresAt: token.expiresAt.toISOString() },
      },
      ctx,
    );
    return {
      runId: run.id,
      identity,
      backendToken: token.token,
      expiresAt: token.expiresAt.toISOString(),
      env: { BEHALF_URL: this.config.http.publicUrl, BEHALF_WEBAPP_ID: webappId, BEHALF_RUN_ID: run.id, BEHALF_BACKEND_TOKEN: token.token },
      // Off: no mounts, and the backend reads data through the dataset API with its token.
      mounts: webapp.settings.mountDatasets ? await this.datasets.mountsFor({ userId: user.id, permissions: effectivePermissions(user) }) : [],
    };
  }

  /** A fresh backend token for a live run: for its managers, its starter, and the run's own backend. */
  async refresh(webappId: string, runId: string, ctx: AuthenticatedContext): Promise<RefreshedBackendToken> {
    const run = await this.runFor(webappId, runId, ctx, 'control');
    if (run.status === 'stopped') throw new ProblemError('conflict', 'This run has stopped: start a new one.');
    await this.requireActive(run.identity);
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

  /** Stops the run: its backend tokens are refused from now on, on every replica. Idempotent. */
  async stop(webappId: string, runId: string, ctx: AuthenticatedContext): Promise<void> {
    const run = await this.runFor(webappId, runId, ctx, 'control');
    if (!(await this.runs.stop(webappId, runId, this.clock.now()))) return;
    // Other replicas learn it from the table's notification; this one at once.
    this.feed.changed('webapp_runs');
    await this.audit.record(
      { action: 'webapp.run.stop', outcome: 'succeeded', target: { type: 'webapp_run', id: runId }, webappId, details: { identity: run.identity } },
      ctx,
    );
  }

  async get(webappId: string, runId: string, ctx: AuthenticatedContext): Promise<WebappRun> {
    return this.runFor(webappId, runId, ctx, 'read');
  }

  /** Managers see every run; other viewers the runs they started. */
  async list(webappId: string, ctx: AuthenticatedContext, limit: number, cursor: string | undefined): Promise<Page<WebappRun>> {
    const webapp = await this.webapps.authorize(webappId, ctx, 'view');
    const mine = webapp.access === 'manage' ? undefined : ctx.principal.userId;
    const after = decodeCursor(cursor, 2) as [string, string] | undefined;
    if (after && Number.isNaN(Date.parse(after[0]))) throw invalidCursor();
    return toPage(await this.runs.list(webappId, mine, after, limit + 1), limit, (r) => r, (r) => [r.startedAt, r.id]);
  }

  /**
   * The run if the caller may `read` it (managers, its starter) or `control` it (the same, and
   * the run's own backend). Anyone else learns nothing about it.
   */
  private async runFor(webappId: string, runId: string, ctx: AuthenticatedContext, need: 'read' | 'control'): Promise<WebappRun> {
    const via = ctx.principal.via;
    // A run's own backend controls its run whoever its identity is, and whatever it may view.
    const ownBackend = need === 'control' && via.kind === 'backend_token' && via.runId === runId && via.webappId === webappId;
    const access = ownBackend ? undefined : (await this.webapps.authorize(webappId, ctx, 'view')).access;
    const run = await this.runs.get(webappId, runId);
    if (!run || !(ownBackend || access === 'manage' || run.startedBy.id === ctx.principal.userId)) throw runNotFound(runId);
    return run;
  }

  private async requireActive(identity: RunIdentity): Promise<UserWithGroups> {
    const user = await this.users.withGroups(identity.userId);
    const what = identity.source === 'starter' ? 'The starting user' : `The run-as user ${identity.login} (${identity.source === 'explicit' ? 'chosen by an admin' : 'the last modifier'})`;
    if (!user) throw new ProblemError('conflict', `${what} has been deleted: an admin must choose another run-as user, or someone must edit the webapp.`);
    if (!user.active) throw new ProblemError('conflict', `${what} is disabled: enable them, or choose another run-as user.`);
    return user;
  }

  private async backendToken(webappId: string, run: Pick<WebappRun, 'id' | 'identity'>): Promise<SignedJwt> {
    const { backendTokenLifetimeSeconds } = await this.settings.security();
    return this.tokens.issue({
      typ: TOKEN_TYPES.backend,
      subject: run.identity.userId,
      audience: API_AUDIENCE,
      lifetimeSeconds: backendTokenLifetimeSeconds,
      claims: { webapp_id: webappId, run_id: run.id },
    });
  }
}
