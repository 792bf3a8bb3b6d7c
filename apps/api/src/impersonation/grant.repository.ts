import { Injectable } from '@nestjs/common';
import type { ImpersonationGrant } from '@behalf/contracts';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { isForeignKeyViolation, isNotFound } from '../platform/database/prisma-errors';
import { Prisma } from '../platform/database/generated/client';
import { notFound } from '../kernel/domain-error';
import { UserRef } from '../common/user-ref';
import { GrantFacts } from './policy';

const withGroups = { sourceGroup: true, targetGroup: true } as const;
type GrantRow = Prisma.ImpersonationGrantGetPayload<{ include: typeof withGroups }>;

function toGrant(row: GrantRow): ImpersonationGrant {
  return {
    sourceGroup: { id: row.sourceGroup.id, name: row.sourceGroup.name },
    targetGroup: { id: row.targetGroup.id, name: row.targetGroup.name },
    reason: row.reason,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    createdBy: { userId: row.createdByUserId, login: row.createdByLogin },
  };
}

/**
 * Everything one decision needs, in one statement that only walks primary keys and indexes:
 * both users with their status and admin flag, and the best grant from a
 * group of the actor to a group of the subject (an unexpired one first, then the latest expired).
 * Each user is matched by one indexed equality, by id or by login (never an OR, which would defeat
 * both indexes): four variants, each its own prepared statement.
 */
function factsQuery(actorById: boolean, subjectById: boolean): string {
  const match = (byId: boolean, param: string) => (byId ? `id = ${param}::uuid` : `login = ${param}`);
  return `
    WITH a AS (SELECT id, login, status FROM users WHERE ${match(actorById, '$1')}),
         s AS (SELECT id, login, status FROM users WHERE ${match(subjectById, '$2')})
    SELECT
      a.id::text AS a_id, a.login AS a_login, a.status = 'active' AS a_active,
      EXISTS (SELECT 1 FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = a.id AND g.is_admin) AS a_admin,
      s.id::text AS s_id, s.login AS s_login, s.status = 'active' AS s_active,
      EXISTS (SELECT 1 FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = s.id AND g.is_admin) AS s_admin,
      gr.source_id::text AS g_source_id, gr.source_name AS g_source_name,
      gr.target_id::text AS g_target_id, gr.target_name AS g_target_name,
      gr.reason AS g_reason, gr.expires_at AS g_expires_at
    FROM (SELECT 1) AS one
    LEFT JOIN a ON true
    LEFT JOIN s ON true
    LEFT JOIN LATERAL (
      SELECT ig.source_group_id AS source_id, sg.name AS source_name,
             ig.target_group_id AS target_id, tg.name AS target_name, ig.reason, ig.expires_at
      FROM memberships ma
      JOIN impersonation_grants ig ON ig.source_group_id = ma.group_id
      JOIN memberships ms ON ms.group_id = ig.target_group_id AND ms.user_id = s.id
      JOIN groups sg ON sg.id = ig.source_group_id
      JOIN groups tg ON tg.id = ig.target_group_id
      WHERE ma.user_id = a.id
      ORDER BY (ig.expires_at IS NULL OR ig.expires_at > $3) DESC, ig.expires_at DESC NULLS FIRST,
               ig.source_group_id, ig.target_group_id
      LIMIT 1
    ) AS gr ON true`;
}

interface FactsRow {
  a_id: string | null;
  a_login: string | null;
  a_active: boolean | null;
  a_admin: boolean | null;
  s_id: string | null;
  s_login: string | null;
  s_active: boolean | null;
  s_admin: boolean | null;
  g_source_id: string | null;
  g_source_name: string | null;
  g_target_id: string | null;
  g_target_name: string | null;
  g_reason: string | null;
  g_expires_at: Date | null;
}

@Injectable()
export class GrantRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
  ) {}

  /** Creates or replaces the grant G1 → G2. 404 when either group does not exist. */
  async put(grant: {
    sourceGroupId: string;
    targetGroupId: string;
    reason: string;
    expiresAt: Date | null;
    createdAt: Date;
    createdByUserId: string;
    createdByLogin: string;
  }): Promise<ImpersonationGrant> {
    const { sourceGroupId, targetGroupId, ...rest } = grant;
    try {
      const row = await this.prisma.impersonationGrant.upsert({
        where: { sourceGroupId_targetGroupId: { sourceGroupId, targetGroupId } },
        create: grant,
        update: rest,
        include: withGroups,
      });
      return toGrant(row);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw notFound('No such group.');
      throw error;
    }
  }

  /** Removes the grant; the removed grant, or null when there was none. */
  async delete(sourceGroupId: string, targetGroupId: string): Promise<ImpersonationGrant | null> {
    try {
      return toGrant(
        await this.prisma.impersonationGrant.delete({
          where: { sourceGroupId_targetGroupId: { sourceGroupId, targetGroupId } },
          include: withGroups,
        }),
      );
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** The grants of G1, by target group id (stable keyset order). */
  async list(sourceGroupId: string, afterTargetId: string | undefined, take: number): Promise<ImpersonationGrant[]> {
    const rows = await this.prisma.impersonationGrant.findMany({
      where: { sourceGroupId, ...(afterTargetId !== undefined ? { targetGroupId: { gt: afterTargetId } } : {}) },
      include: withGroups,
      orderBy: { targetGroupId: 'asc' },
      take,
    });
    return rows.map(toGrant);
  }

  /** The facts of one decision (see `factsQuery`); null when either user does not exist. */
  async decisionFacts(actor: UserRef, subject: UserRef, now: Date): Promise<GrantFacts | null> {
    const byId = (ref: UserRef) => ref.id !== undefined;
    const rows = await this.pg.prepared<FactsRow>(
      `decision-facts-${byId(actor) ? 'id' : 'login'}-${byId(subject) ? 'id' : 'login'}`,
      factsQuery(byId(actor), byId(subject)),
      [actor.id ?? actor.login, subject.id ?? subject.login, now],
    );
    const row = rows[0];
    if (!row?.a_id || row.a_login === null || !row.s_id || row.s_login === null) return null;
    const { g_source_id: sourceId, g_source_name: sourceName, g_target_id: targetId, g_target_name: targetName, g_reason: reason } = row;
    return {
      actor: { id: row.a_id, login: row.a_login, active: row.a_active === true, admin: row.a_admin === true },
      subject: { id: row.s_id, login: row.s_login, active: row.s_active === true, admin: row.s_admin === true },
      // The grant's columns come from one joined row: all present, or none.
      ...(sourceId !== null && sourceName !== null && targetId !== null && targetName !== null && reason !== null
        ? { grant: { sourceGroup: { id: sourceId, name: sourceName }, targetGroup: { id: targetId, name: targetName }, reason, expiresAt: row.g_expires_at } }
        : {}),
    };
  }
}
