import { Injectable } from '@nestjs/common';
import type { Group, GroupMember, GroupPermissions } from '@behalf/contracts';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { PrismaService } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import { isForeignKeyViolation, isNotFound, isUniqueViolation } from '../platform/database/prisma-errors';
import { Prisma } from '../platform/database/generated/client';
import { alreadyExists, conflict, notFound } from '../kernel/domain-error';

type GroupRow = Prisma.GroupGetPayload<object>;

function toGroup(row: GroupRow): Group {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: { admin: row.isAdmin, mayCreateWebapps: row.mayCreateWebapps, mayManageDatasets: row.mayManageDatasets, gateway: row.isGateway },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function permissionColumns(p: Partial<GroupPermissions> | undefined) {
  return {
    ...(p?.admin !== undefined ? { isAdmin: p.admin } : {}),
    ...(p?.mayCreateWebapps !== undefined ? { mayCreateWebapps: p.mayCreateWebapps } : {}),
    ...(p?.mayManageDatasets !== undefined ? { mayManageDatasets: p.mayManageDatasets } : {}),
    ...(p?.gateway !== undefined ? { isGateway: p.gateway } : {}),
  };
}

export interface GroupInput {
  name?: string;
  description?: string;
  permissions?: Partial<GroupPermissions>;
}

const nameTaken = (name: string) => alreadyExists(`A group named "${name}" already exists.`);
export const groupNotFound = (id: string) => notFound(`No group has id ${id}.`);

@Injectable()
export class GroupRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  async create(input: GroupInput & { name: string }): Promise<Group> {
    try {
      return toGroup(
        await this.prisma.group.create({
          data: { name: input.name, description: input.description ?? '', ...permissionColumns(input.permissions) },
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name);
      throw error;
    }
  }

  async get(id: string): Promise<Group | null> {
    const row = await this.prisma.group.findUnique({ where: { id } });
    return row ? toGroup(row) : null;
  }

  async findByName(name: string): Promise<Group | null> {
    const row = await this.prisma.group.findUnique({ where: { name } });
    return row ? toGroup(row) : null;
  }

  async list(afterName: string | undefined, take: number): Promise<Group[]> {
    const rows = await this.prisma.group.findMany({
      where: afterName !== undefined ? { name: { gt: afterName } } : undefined,
      orderBy: { name: 'asc' },
      take,
    });
    return rows.map(toGroup);
  }

  /** The groups `userId` belongs to, by name, after `afterName`. */
  async groupsOf(userId: string, afterName: string | undefined, take: number): Promise<Group[]> {
    const rows = await this.prisma.group.findMany({
      where: { memberships: { some: { userId } }, ...(afterName !== undefined ? { name: { gt: afterName } } : {}) },
      orderBy: { name: 'asc' },
      take,
    });
    return rows.map(toGroup);
  }

  async update(id: string, input: GroupInput): Promise<Group> {
    try {
      return toGroup(
        await this.prisma.group.update({
          where: { id },
          data: { name: input.name, description: input.description, ...permissionColumns(input.permissions) },
        }),
      );
    } catch (error) {
      if (isNotFound(error)) throw groupNotFound(id);
      if (isUniqueViolation(error)) throw nameTaken(input.name ?? '');
      throw error;
    }
  }

  async delete(id: string): Promise<Group> {
    try {
      return toGroup(await this.prisma.group.delete({ where: { id } }));
    } catch (error) {
      if (isNotFound(error)) throw groupNotFound(id);
      throw error;
    }
  }

  /** Adds the membership; false when it already existed. 404 when either side is missing. */
  async addMember(groupId: string, userId: string): Promise<boolean> {
    try {
      const created = await this.prisma.membership.createMany({ data: [{ groupId, userId }], skipDuplicates: true });
      return created.count === 1;
    } catch (error) {
      if (isForeignKeyViolation(error)) throw notFound('No such group or user.');
      throw error;
    }
  }

  /** Removes the membership; false when there was none. */
  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const removed = await this.prisma.membership.deleteMany({ where: { groupId, userId } });
    return removed.count === 1;
  }

  async members(groupId: string, afterLogin: string | undefined, take: number): Promise<GroupMember[]> {
    const rows = await this.prisma.membership.findMany({
      where: { groupId, ...(afterLogin !== undefined ? { user: { login: { gt: afterLogin } } } : {}) },
      include: { user: true },
      orderBy: { user: { login: 'asc' } },
      take,
    });
    return rows.map((m) => ({
      userId: m.userId,
      login: m.user.login,
      displayName: m.user.displayName,
      status: m.user.status,
      addedAt: m.createdAt.toISOString(),
    }));
  }

  /**
   * Runs `change` in a transaction that fails with a 409 if, once it is done, no active user is
   * left in an admin group. The advisory lock orders concurrent such changes, so two requests
   * cannot each remove "one of two" admins.
   */
  async preservingAnAdmin<T>(change: () => Promise<T>, why: string): Promise<T> {
    return this.transactions.run(async () => {
      await this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS.adminInvariant})`;
      const result = await change();
      const admins = await this.prisma.user.count({
        where: { status: 'active', memberships: { some: { group: { isAdmin: true } } } },
      });
      if (admins === 0) throw conflict(`${why}: it would leave Behalf without an active admin.`);
      return result;
    });
  }
}
