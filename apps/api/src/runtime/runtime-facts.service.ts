import { Inject, Injectable } from '@nestjs/common';
import type { BackendTokenClaims, SecuritySettings } from '@behalf/contracts';
import { CLOCK, Clock } from '../kernel/clock';
import { GenerationalCache } from '../platform/cache/generational-cache';
import { CONFIG, Config } from '../platform/config/config';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { UserProfile, UserRepository } from '../identity/user.repository';
import { ImpersonationService } from '../impersonation/impersonation.service';
import { runEndsAt } from '../webapps/run-lifetime';
import { RunRepository, RunState } from '../webapps/run.repository';
import { WebappPolicy, WebappRepository } from '../webapps/webapp.repository';
import { SettingsService } from '../settings/settings.service';
import type { DecisionFacts } from '../impersonation/policy';
import { ActingDecision, actingDecision } from './acting-policy';

/** A backend token's run, as the token names it, and the run's identity. */
export interface BackendFacts {
  run: RunState;
  webappId: string;
  runId: string;
  /** The run's identity (the token's `sub`), or null when that user was deleted. */
  actor: UserProfile | null;
  tokenId: string;
}

/** Everything one token exchange decides on, read once (the actor comes with the backend). */
export interface ExchangeFacts {
  run: RunState;
  actor: UserProfile;
  webapp: WebappPolicy | null;
  viewer: UserProfile | null;
  grantFacts: DecisionFacts | null;
  settings: SecuritySettings;
}

/**
 * The runtime's read model: what its hot paths (auth info, the token exchange, every call made
 * with a backend or impersonation token) read about runs, webapps, users, grants and settings,
 * cached per replica for one change-feed generation: any committed change to users, groups, memberships, grants, webapps,
 * their viewers, runs or settings, on any replica, empties them within the notification's delay.
 */
@Injectable()
export class RuntimeFacts {
  private readonly runs: GenerationalCache<(RunState & { endsAt: Date }) | null>;
  private readonly webapps: GenerationalCache<WebappPolicy | null>;
  private readonly users: GenerationalCache<UserProfile | null>;

  constructor(
    private readonly runRepository: RunRepository,
    private readonly webappRepository: WebappRepository,
    private readonly userRepository: UserRepository,
    private readonly impersonation: ImpersonationService,
    private readonly feed: ChangeFeed,
    private readonly settings: SettingsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) config: Config,
  ) {
    this.runs = new GenerationalCache(config.decisionCacheTtlMs);
    this.webapps = new GenerationalCache(config.decisionCacheTtlMs);
    this.users = new GenerationalCache(config.decisionCacheTtlMs);
  }

  /**
   * The run's state; a run past the maximum run lifetime counts as stopped from that instant. Its
   * end is worked out when the state is read: a change of the setting moves the generation too.
   */
  async run(runId: string): Promise<RunState | null> {
    const state = await this.runs.through(
      runId,
      () => this.feed.generation,
      () => this.loadRun(runId),
    );
    if (!state || state.stopped || state.endsAt.getTime() > this.clock.now().getTime()) return state;
    return { ...state, stopped: true };
  }

  private async loadRun(runId: string): Promise<(RunState & { endsAt: Date }) | null> {
    const state = await this.runRepository.state(runId);
    return state && { ...state, endsAt: runEndsAt(state.startedAt, (await this.settings.security()).maxRunLifetimeSeconds) };
  }

  webapp(webappId: string): Promise<WebappPolicy | null> {
    return this.webapps.through(
      webappId,
      () => this.feed.generation,
      () => this.webappRepository.policy(webappId),
    );
  }

  user(userId: string): Promise<UserProfile | null> {
    return this.users.through(
      userId,
      () => this.feed.generation,
      () => this.userRepository.profile(userId),
    );
  }

  /**
   * The run a backend token names and the run's identity, or null when the token's claims do not
   * match a run (another webapp, another identity, no such run): the one check shared by API
   * calls made with the token and by the token exchange's `actor_token`. Whether the run still
   * runs and its identity is active, each caller judges.
   */
  async backend(claims: BackendTokenClaims): Promise<BackendFacts | null> {
    const run = await this.run(claims.run_id);
    if (!run || run.webappId !== claims.webapp_id || run.identityUserId !== claims.sub) return null;
    return { run, webappId: claims.webapp_id, runId: claims.run_id, actor: await this.user(claims.sub), tokenId: claims.jti };
  }

  /** The facts of one exchange by `actor` (already read with its backend token) for `viewerId`, read at once. */
  async exchange(run: RunState, actor: UserProfile, viewerId: string): Promise<ExchangeFacts> {
    const [webapp, viewer, grantFacts, settings] = await Promise.all([
      this.webapp(run.webappId),
      this.user(viewerId),
      this.impersonation.facts({ id: actor.id }, { id: viewerId }),
      this.settings.security(),
    ]);
    return { run, actor, webapp, viewer, grantFacts, settings };
  }

  /**
   * May the backend of `run`, acting as `actorId`, act as `viewerId` now? Null when the webapp,
   * the actor or the viewer does not exist (any more).
   */
  async acting(
    run: RunState,
    actorId: string,
    viewerId: string,
  ): Promise<{ decision: ActingDecision; webapp: WebappPolicy; actor: UserProfile; viewer: UserProfile } | null> {
    const [webapp, actor, viewer, grantFacts] = await Promise.all([
      this.webapp(run.webappId),
      this.user(actorId),
      this.user(viewerId),
      this.impersonation.facts({ id: actorId }, { id: viewerId }),
    ]);
    if (!webapp || !actor || !viewer || !grantFacts) return null;
    return { decision: actingDecision({ run, actorId, webapp, viewer, grantFacts }, this.clock.now()), webapp, actor, viewer };
  }
}
