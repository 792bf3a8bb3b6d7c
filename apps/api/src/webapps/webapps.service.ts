import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Page, UserSummary, Webapp, WebappKind, WebappSettingsView, WebappSource, RefusalCode } from '@behalf/contracts';
import { REFUSALS } from '@behalf/contracts';
import { effectivePermissions } from '../auth/principal-of-user';
import { z } from 'zod';
import { AppsUrl, parseAppsUrl, slugFromName } from '@behalf/server';
import { CONFIG, Config } from '../platform/config/config';
import { isUniqueViolation } from '../platform/database/prisma-errors';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import type { Principal } from '../kernel/principal';
import { changesBetween } from '../common/changes';
import { CLOCK, Clock } from '../kernel/clock';
import { decodeCursor, toPage } from '../kernel/pagination';
import { ProblemError } from '../kernel/problem';
import { requestedOwner } from '../identity/requested-owner';
import { UserRepository } from '../identity/user.repository';
import { SettingsService } from '../settings/settings.service';
import { explainRunAs, runAsOf, webappAccess, WebappAccessLevel } from './webapp-access';
import { RunAuthority } from './run-authority.service';
import { SecretNameRequestRepository } from './secret-name-request.repository';
import { WebappChange, webappNotFound, WebappRecord, WebappRepository } from './webapp.repository';
import { patchSettingsBody, updateWebappBody } from './webapps.dto';

export type AuthenticatedContext = RequestContext & { principal: Principal };

const invalid = (path: string, message: string) => new ProblemError('validation-failed', 'The request body is invalid.', [{ path, message }]);

const summaryOf = (p: Principal): UserSummary => ({ id: p.userId, login: p.login });

function toWebapp(record: WebappRecord, apps: AppsUrl): Webapp {
  const { id, name, slug, kind, source, description, owner, lastModifiedBy, createdAt, updatedAt } = record;
  return { id, name, slug, url: apps.originOf(slug), kind, source, description, owner, lastModifiedBy, createdAt, updatedAt };
}

const slugTaken = (slug: string) => new ProblemError('conflict', `Another webapp already has slug ${slug}: choose another.`);

@Injectable()
export class WebappsService {
  constructor(
    private readonly webapps: WebappRepository,
    private readonly users: UserRepository,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly authority: RunAuthority,
    private readonly requests: SecretNameRequestRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) config: Config,
  ) {
    this.apps = parseAppsUrl(config.gateway.appsUrl);
  }

  private readonly apps: AppsUrl;

  /**
   * The webapp, with the caller's access to it, if that reaches `level`. A webapp the caller may
   * not even see is a 404, so its existence does not leak; one they see but may not manage is a 403.
   */
  async authorize(id: string, ctx: AuthenticatedContext, level: Exclude<WebappAccessLevel, 'none'>): Promise<WebappRecord & { access: WebappAccessLevel }> {
    const webapp = await this.webapps.get(id, ctx.principal.userId);
    const access = webapp ? webappAccess(ctx.principal, webapp) : 'none';
    if (!webapp || access === 'none') throw webappNotFound(id);
    if (level === 'manage' && access !== 'manage') {
      throw await this.refused(id, 'not_webapp_owner', ctx);
    }
    return { ...webapp, access };
  }

  async create(
    input: { name: string; slug?: string; kind: WebappKind; source: WebappSource | null; description: string },
    ctx: AuthenticatedContext,
  ): Promise<Webapp> {
    const record = await this.createWithSlug(input, ctx);
    await this.audit.record(
      {
        action: 'webapp.create',
        outcome: 'succeeded',
        target: { type: 'webapp', id: record.id },
        webappId: record.id,
        details: { name: record.name, slug: record.slug, kind: record.kind, source: record.source },
      },
      ctx,
    );
    return toWebapp(record, this.apps);
  }

  /**
   * Creates the webapp with the slug asked for (409 when taken), or else with its name's slug,
   * numbered (`sales-2`, …) past those taken; a race for the same one tries the next.
   */
  private async createWithSlug(
    input: { name: string; slug?: string; kind: WebappKind; source: WebappSource | null; description: string },
    ctx: AuthenticatedContext,
  ): Promise<WebappRecord> {
    const create = (slug: string) => this.webapps.create({ ...input, slug, creator: summaryOf(ctx.principal), at: this.clock.now() }, ctx.principal.userId);
    if (input.slug !== undefined) {
      try {
        return await create(input.slug);
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(input.slug);
        throw error;
      }
    }
    const base = slugFromName(input.name);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const candidates = [base, ...Array.from({ length: 20 }, (_, i) => `${base}-${i + 2 + attempt * 20}`)];
      const taken = await this.webapps.takenSlugs(candidates);
      const free = candidates.find((c) => !taken.has(c));
      if (!free) continue;
      try {
        return await create(free);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    // Very many webapps share this name: a random suffix cannot collide in practice.
    return create(`${base}-${randomUUID().slice(0, 8)}`);
  }

  async get(id: string, ctx: AuthenticatedContext): Promise<Webapp> {
    return toWebapp(await this.authorize(id, ctx, 'view'), this.apps);
  }

  async list(ctx: AuthenticatedContext, limit: number, cursor: string | undefined): Promise<Page<Webapp>> {
    const after = decodeCursor(cursor, ['text', 'uuid']) as [string, string] | undefined;
    const rows = await this.webapps.list({ id: ctx.principal.userId, admin: ctx.principal.permissions.has('admin') }, after, limit + 1);
    return toPage(
      rows,
      limit,
      (r) => toWebapp(r, this.apps),
      (w) => [w.name, w.id],
    );
  }

  /**
   * Edits a webapp. Only a change of what it runs (`source`, `kind`) makes the caller its last
   * modifier, and so, by default, who it runs as: a rename or a hand-over never does. A new owner
   * may lose or gain the right to start it: runs that lost their authority stop.
   */
  async update(id: string, patch: z.infer<typeof updateWebappBody>, ctx: AuthenticatedContext): Promise<Webapp> {
    const before = await this.authorize(id, ctx, 'manage');
    const owner = await requestedOwner(patch.ownerUserId, before.owner, ctx.principal, this.users, 'webapp');
    const changesWhatRuns = patch.source !== undefined || (patch.kind !== undefined && patch.kind !== before.kind);
    const after = await this.webapps.update(
      id,
      {
        name: patch.name,
        slug: patch.slug,
        kind: patch.kind,
        source: patch.source,
        description: patch.description,
        owner,
        ...(changesWhatRuns ? { lastModifiedBy: summaryOf(ctx.principal) } : {}),
        at: this.clock.now(),
      },
      ctx.principal.userId,
    );
    const changes = changesBetween(toWebapp(before, this.apps), toWebapp(after, this.apps), [
      'name',
      'slug',
      'kind',
      'source',
      'description',
      'owner',
      'lastModifiedBy',
    ]);
    await this.audit.record({ action: 'webapp.update', outcome: 'succeeded', target: { type: 'webapp', id }, webappId: id, details: { changes } }, ctx);
    await this.authority.reconcile({ webappId: id }, ctx);
    return toWebapp(after, this.apps);
  }

  async delete(id: string, ctx: AuthenticatedContext): Promise<void> {
    const webapp = await this.authorize(id, ctx, 'manage');
    if (!(await this.webapps.delete(id))) throw webappNotFound(id);
    await this.audit.record(
      { action: 'webapp.delete', outcome: 'succeeded', target: { type: 'webapp', id }, webappId: id, details: { name: webapp.name } },
      ctx,
    );
  }

  async getSettings(id: string, ctx: AuthenticatedContext): Promise<WebappSettingsView> {
    return this.settingsView(await this.authorize(id, ctx, 'manage'), ctx.principal);
  }

  /**
   * Changes settings. Settings never change who the webapp runs as, except `runAsUserId` itself:
   * naming a run-as user other than oneself is an admin's decision alone, and only an admin's
   * choice pins a user who holds permissions the starter lacks. Only admins widen `secretNames`.
   * Runs whose starter may no longer start the webapp stop.
   */
  async updateSettings(id: string, patch: z.infer<typeof patchSettingsBody>, ctx: AuthenticatedContext): Promise<WebappSettingsView> {
    const before = await this.authorize(id, ctx, 'manage');
    const admin = ctx.principal.permissions.has('admin');
    const change: WebappChange = { at: this.clock.now() };
    const { runAsUserId, identityPropagation, ...rest } = patch;
    if (runAsUserId !== undefined && runAsUserId !== before.settings.runAsUserId) {
      if (runAsUserId !== null && runAsUserId !== ctx.principal.userId && !admin) {
        throw await this.refused(id, 'run_as_requires_admin', ctx, { runAsUserId });
      }
      const user = runAsUserId === null ? null : await this.users.get(runAsUserId);
      if (runAsUserId !== null && !user) throw invalid('body.runAsUserId', 'no user has this id');
      change.runAs = user ? { id: user.id, login: user.login, pinnedByAdmin: admin } : null;
    }
    if (patch.secretNames !== undefined && !admin) {
      const widened = widenedSecretNames(before.settings.secretNames, patch.secretNames);
      if (widened !== null) {
        const why =
          widened.length === 0
            ? 'Only an admin may let a webapp receive all of its viewers’ secrets (secretNames: null).'
            : `Only an admin may add secret names a webapp may receive (${widened.join(', ')}); you may remove names.`;
        throw await this.refused(id, 'secret_names_widen_requires_admin', ctx, { widened }, why);
      }
    }
    const viewers = patch.viewers;
    if (viewers) {
      const missingUsers = await this.webapps.missingUsers(viewers.users);
      const missingGroups = await this.webapps.missingGroups(viewers.groups);
      const errors = [
        ...missingUsers.map((u) => ({ path: `body.viewers.users.${viewers.users.indexOf(u)}`, message: 'no user has this id' })),
        ...missingGroups.map((g) => ({ path: `body.viewers.groups.${viewers.groups.indexOf(g)}`, message: 'no group has this id' })),
      ];
      if (errors.length > 0) throw new ProblemError('validation-failed', 'The request body is invalid.', errors);
    }
    change.settings = {
      ...rest,
      ...(identityPropagation ? { identityPropagation: { ...before.settings.identityPropagation, ...identityPropagation } } : {}),
    };
    const after = await this.webapps.update(id, change, ctx.principal.userId);
    // Names an admin now let the webapp receive settle a pending request for them.
    if (patch.secretNames !== undefined) {
      const pending = await this.requests.get(id);
      const approved = after.settings.secretNames;
      if (pending) await this.requests.keepOnly(id, approved === null ? [] : pending.names.filter((n) => !approved.includes(n)));
    }
    await this.audit.record(
      {
        action: 'webapp.settings.update',
        outcome: 'succeeded',
        target: { type: 'webapp', id },
        webappId: id,
        details: { changes: changesBetween(before.settings, after.settings) },
      },
      ctx,
    );
    await this.authority.reconcile({ webappId: id }, ctx);
    return this.settingsView(after, ctx.principal);
  }

  /** Records a refusal about webapp `id` and returns its 403, for the caller to throw. */
  /** Records the refusal; the problem is the catalogue's, its detail `detail` when more specific than the code's message. */
  private async refused(
    id: string,
    reason: RefusalCode,
    ctx: AuthenticatedContext,
    details?: Record<string, unknown>,
    detail: string = REFUSALS[reason].message,
  ): Promise<ProblemError> {
    await this.audit.record({ action: 'access.denied', outcome: 'denied', reason, target: { type: 'webapp', id }, webappId: id, details }, ctx);
    return new ProblemError(REFUSALS[reason].problem, detail);
  }

  private async settingsView(webapp: WebappRecord, caller: Principal): Promise<WebappSettingsView> {
    const runAs = runAsOf(webapp, summaryOf(caller));
    const user = await this.users.withGroups(runAs.userId);
    const permissions = user ? [...effectivePermissions(user)].sort() : [];
    const global = await this.settings.security();
    return {
      ...webapp.settings,
      effectiveRunAs: {
        ...runAs,
        status: user ? (user.active ? 'active' : 'disabled') : 'deleted',
        permissions,
        explanation: explainRunAs(runAs, webapp, permissions),
      },
      effectiveHideAccessTokens: webapp.settings.hideAccessTokens || global.hideAccessTokens,
    };
  }
}

/**
 * The names `next` adds to `current` (null: all names), or null when it only narrows; an empty
 * list when it asks for all.
 */
export function widenedSecretNames(current: readonly string[] | null, next: readonly string[] | null): string[] | null {
  if (current === null) return null;
  if (next === null) return [];
  const added = next.filter((name) => !current.includes(name));
  return added.length > 0 ? added : null;
}
