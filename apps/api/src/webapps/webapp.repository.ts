import { Injectable } from '@nestjs/common';
import type { UserSummary, Webapp, WebappKind, WebappSettings, WebappSource } from '@behalf/contracts';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import { Prisma } from '../platform/database/generated/client';
import { isForeignKeyViolation, isNotFound, isUniqueViolation } from '../platform/database/prisma-errors';
import { conflict, notFound } from '../kernel/domain-error';

/** A webapp with its settings, and whether the caller it was read for is among its viewers. */
export interface WebappRecord extends Omit<Webapp, 'url'> {
  settings: WebappSettings;
  /** The explicitly chosen run-as user, by id and login (kept when the user is deleted). */
  runAs: UserSummary | null;
  /** The caller is a listed viewer (directly or through a group): matters when access is restricted. */
  callerIsViewer: boolean;
}

export const webappNotFound = (id: string) => notFound(`No webapp has id ${id}.`);

const viewerOf = (callerId: string) =>
  ({
    viewerUsers: { select: { userId: true } },
    viewerGroups: { select: { groupId: true, group: { select: { memberships: { where: { userId: callerId }, select: { userId: true } } } } } },
  }) satisfies Prisma.WebappInclude;

type Row = Prisma.WebappGetPayload<{ include: ReturnType<typeof viewerOf> }>;

function toRecord(row: Row, callerId: string): WebappRecord {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    kind: row.kind,
    source: (row.source ?? null) as WebappSource | null,
    description: row.description,
    owner: { id: row.ownerUserId, login: row.ownerLogin },
    lastModifiedBy: { id: row.lastModifiedByUserId, login: row.lastModifiedByLogin },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    runAs: row.runAsUserId ? { id: row.runAsUserId, login: row.runAsLogin ?? '' } : null,
    callerIsViewer: row.viewerUsers.some((v) => v.userId === callerId) || row.viewerGroups.some((v) => v.group.memberships.length > 0),
    settings: {
      identityMode: row.identityMode,
      runAsUserId: row.runAsUserId,
      runAsPinnedByAdmin: row.runAsPinnedByAdmin,
      access: row.access,
      viewers: { users: row.viewerUsers.map((v) => v.userId).sort(), groups: row.viewerGroups.map((v) => v.groupId).sort() },
      hideAccessTokens: row.hideAccessTokens,
      mountDatasets: row.mountDatasets,
      identityPropagation: { header: row.propagateIdentityHeader, jwt: row.propagateIdentityJwt },
      allowImpersonation: row.allowImpersonation,
      secretNames: row.allSecrets ? null : [...(row.secretNames ?? [])],
    },
  };
}

/** What the runtime needs of a webapp on every request, read in one statement. */
export interface WebappPolicy {
  id: string;
  owner: { id: string };
  settings: Pick<WebappSettings, 'access' | 'viewers' | 'hideAccessTokens' | 'allowImpersonation' | 'secretNames'>;
}

const POLICY_SQL = `
  SELECT w.id::text AS id, w.owner_user_id::text AS owner_user_id, w.access::text AS access,
         w.hide_access_tokens, w.allow_impersonation, w.all_secrets, w.secret_names,
         ARRAY(SELECT v.user_id::text FROM webapp_viewer_users v WHERE v.webapp_id = w.id ORDER BY 1) AS viewer_users,
         ARRAY(SELECT v.group_id::text FROM webapp_viewer_groups v WHERE v.webapp_id = w.id ORDER BY 1) AS viewer_groups
    FROM webapps w
   WHERE w.id = $1::uuid`;

interface PolicyRow {
  id: string;
  owner_user_id: string;
  access: WebappSettings['access'];
  hide_access_tokens: boolean;
  allow_impersonation: boolean;
  all_secrets: boolean;
  secret_names: string[];
  viewer_users: string[];
  viewer_groups: string[];
}

/** Only these fields of a webapp are edited directly; settings go through {@link WebappRepository.update} too. */
export interface WebappChange {
  name?: string;
  slug?: string;
  kind?: WebappKind;
  source?: WebappSource | null;
  description?: string;
  owner?: UserSummary;
  settings?: Partial<Omit<WebappSettings, 'runAsUserId' | 'runAsPinnedByAdmin'>>;
  /** null: back to the last modifier; `pinnedByAdmin` when an admin chose them. */
  runAs?: (UserSummary & { pinnedByAdmin: boolean }) | null;
  /** Only a change of what the webapp runs (source, kind) names a new last modifier. */
  lastModifiedBy?: UserSummary;
  at: Date;
}

@Injectable()
export class WebappRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
    private readonly pg: PgPool,
  ) {}

  /** The webapp's runtime policy, or null when there is no such webapp. */
  async policy(id: string): Promise<WebappPolicy | null> {
    const [row] = await this.pg.prepared<PolicyRow>('behalf_webapp_policy', POLICY_SQL, [id]);
    if (!row) return null;
    return {
      id: row.id,
      owner: { id: row.owner_user_id },
      settings: {
        access: row.access,
        viewers: { users: row.viewer_users, groups: row.viewer_groups },
        hideAccessTokens: row.hide_access_tokens,
        allowImpersonation: row.allow_impersonation,
        secretNames: row.all_secrets ? null : row.secret_names,
      },
    };
  }

  async create(
    input: { name: string; slug: string; kind: WebappKind; source: WebappSource | null; description: string; creator: UserSummary; at: Date },
    callerId: string,
  ): Promise<WebappRecord> {
    const row = await this.prisma.webapp.create({
      data: {
        name: input.name,
        slug: input.slug,
        kind: input.kind,
        source: input.source ?? Prisma.DbNull,
        description: input.description,
        ownerUserId: input.creator.id,
        ownerLogin: input.creator.login,
        lastModifiedByUserId: input.creator.id,
        lastModifiedByLogin: input.creator.login,
        createdAt: input.at,
        updatedAt: input.at,
      },
      include: viewerOf(callerId),
    });
    return toRecord(row, callerId);
  }

  async get(id: string, callerId: string): Promise<WebappRecord | null> {
    const row = await this.prisma.webapp.findUnique({ where: { id }, include: viewerOf(callerId) });
    return row ? toRecord(row, callerId) : null;
  }

  /**
   * Webapps the caller may see, by name: all for admins; else those not restricted, their own,
   * and those listing them or one of their groups as viewers.
   */
  async list(caller: { id: string; admin: boolean }, after: [string, string] | undefined, take: number): Promise<WebappRecord[]> {
    const visible: Prisma.WebappWhereInput = caller.admin
      ? {}
      : {
          OR: [
            { access: { not: 'restricted' } },
            { ownerUserId: caller.id },
            { viewerUsers: { some: { userId: caller.id } } },
            { viewerGroups: { some: { group: { memberships: { some: { userId: caller.id } } } } } },
          ],
        };
    const rows = await this.prisma.webapp.findMany({
      where: {
        AND: [visible, after ? { OR: [{ name: { gt: after[0] } }, { name: after[0], id: { gt: after[1] } }] } : {}],
      },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take,
      include: viewerOf(caller.id),
    });
    return rows.map((r) => toRecord(r, caller.id));
  }

  /**
   * Applies a change and records the last modifier, atomically with the viewer lists it
   * replaces: a reader never sees a webapp with half its viewers.
   */
  async update(id: string, change: WebappChange, callerId: string): Promise<WebappRecord> {
    const s = change.settings ?? {};
    try {
      const row = await this.transactions.run(async () => {
        if (s.viewers) {
          await this.prisma.webappViewerUser.deleteMany({ where: { webappId: id } });
          await this.prisma.webappViewerGroup.deleteMany({ where: { webappId: id } });
        }
        return this.prisma.webapp.update({
          where: { id },
          data: {
            name: change.name,
            slug: change.slug,
            kind: change.kind,
            ...(change.source !== undefined ? { source: change.source ?? Prisma.DbNull } : {}),
            description: change.description,
            ownerUserId: change.owner?.id,
            ownerLogin: change.owner?.login,
            lastModifiedByUserId: change.lastModifiedBy?.id,
            lastModifiedByLogin: change.lastModifiedBy?.login,
            updatedAt: change.at,
            ...(change.runAs !== undefined
              ? { runAsUserId: change.runAs?.id ?? null, runAsLogin: change.runAs?.login ?? null, runAsPinnedByAdmin: change.runAs?.pinnedByAdmin ?? false }
              : {}),
            identityMode: s.identityMode,
            access: s.access,
            hideAccessTokens: s.hideAccessTokens,
            mountDatasets: s.mountDatasets,
            propagateIdentityHeader: s.identityPropagation?.header,
            propagateIdentityJwt: s.identityPropagation?.jwt,
            allowImpersonation: s.allowImpersonation,
            ...(s.secretNames !== undefined ? { allSecrets: s.secretNames === null, secretNames: s.secretNames ?? [] } : {}),
            ...(s.viewers
              ? {
                  viewerUsers: { create: s.viewers.users.map((userId) => ({ userId })) },
                  viewerGroups: { create: s.viewers.groups.map((groupId) => ({ groupId })) },
                }
              : {}),
          },
          include: viewerOf(callerId),
        });
      });
      return toRecord(row, callerId);
    } catch (error) {
      if (isNotFound(error)) throw webappNotFound(id);
      if (isForeignKeyViolation(error)) throw conflict('A user or group named as a viewer was deleted meanwhile: send the change again.');
      if (isUniqueViolation(error) && change.slug !== undefined) throw conflict(`Another webapp already has slug ${change.slug}: choose another.`);
      throw error;
    }
  }

  /** The id of the webapp with this slug, or null. */
  async idOfSlug(slug: string): Promise<string | null> {
    return (await this.prisma.webapp.findUnique({ where: { slug }, select: { id: true } }))?.id ?? null;
  }

  /** Which of these slugs are taken. */
  async takenSlugs(slugs: string[]): Promise<Set<string>> {
    const rows = await this.prisma.webapp.findMany({ where: { slug: { in: slugs } }, select: { slug: true } });
    return new Set(rows.map((r) => r.slug));
  }

  /** Deletes the webapp; its runs and viewer lists go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    return (await this.prisma.webapp.deleteMany({ where: { id } })).count > 0;
  }

  /** Which of these user ids name no user. */
  async missingUsers(ids: string[]): Promise<string[]> {
    const found = new Set((await this.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((u) => u.id));
    return ids.filter((id) => !found.has(id));
  }

  /** Which of these group ids name no group. */
  async missingGroups(ids: string[]): Promise<string[]> {
    const found = new Set((await this.prisma.group.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((g) => g.id));
    return ids.filter((id) => !found.has(id));
  }
}
