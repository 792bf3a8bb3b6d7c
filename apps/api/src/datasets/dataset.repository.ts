import { Injectable } from '@nestjs/common';
import type { Dataset, DatasetGroupAccess, DatasetGroupPermission, UserSummary } from '@behalf/contracts';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import { Prisma } from '../platform/database/generated/client';
import { isForeignKeyViolation, isNotFound, isUniqueViolation } from '../platform/database/prisma-errors';
import { alreadyExists, notFound } from '../kernel/domain-error';

/** A dataset with the best access the caller it was read for holds through their groups. */
export type DatasetRecord = Omit<Dataset, 'access'> & { groupAccess: DatasetGroupAccess | null };

interface Columns {
  id: string;
  name: string;
  description: string;
  ownerUserId: string;
  ownerLogin: string;
  createdAt: Date;
  updatedAt: Date;
}

function toRecord(row: Columns, groupAccess: DatasetGroupAccess | null): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    owner: { id: row.ownerUserId, login: row.ownerLogin },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    groupAccess,
  };
}

export const datasetNotFound = (id: string) => notFound(`No dataset has id ${id}.`);
const nameTaken = (name: string) =>
  alreadyExists(`A dataset named ${JSON.stringify(name)} exists already: dataset names are unique, since runs mount datasets by name.`);

// One round trip on the file read path: the dataset and the caller's best group permission on it.
const ACCESS_SQL = `
  SELECT d.id, d.name, d.description, d.owner_user_id AS "ownerUserId", d.owner_login AS "ownerLogin",
         d.created_at AS "createdAt", d.updated_at AS "updatedAt",
         (SELECT max(p.access)::text
            FROM dataset_group_permissions p
            JOIN memberships m ON m.group_id = p.group_id AND m.user_id = $2
           WHERE p.dataset_id = d.id) AS group_access
    FROM datasets d
   WHERE d.id = $1`;

type AccessRow = Columns & { group_access: DatasetGroupAccess | null };

/** The caller's permissions only: what decides their access. */
const callerPermissions = (callerId: string) =>
  ({ permissions: { where: { group: { memberships: { some: { userId: callerId } } } }, select: { access: true } } }) satisfies Prisma.DatasetInclude;

type Row = Prisma.DatasetGetPayload<{ include: ReturnType<typeof callerPermissions> }>;

function fromPrisma(row: Row): DatasetRecord {
  const accesses = row.permissions.map((p) => p.access);
  return toRecord(row, accesses.includes('write') ? 'write' : accesses.length > 0 ? 'read' : null);
}

@Injectable()
export class DatasetRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
    private readonly pool: PgPool,
  ) {}

  async create(input: { name: string; description: string; owner: UserSummary; at: Date }): Promise<DatasetRecord> {
    try {
      const row = await this.prisma.dataset.create({
        data: {
          name: input.name,
          description: input.description,
          ownerUserId: input.owner.id,
          ownerLogin: input.owner.login,
          createdAt: input.at,
          updatedAt: input.at,
        },
        include: callerPermissions(input.owner.id),
      });
      return fromPrisma(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name);
      throw error;
    }
  }

  /** The dataset, with `callerId`'s best group permission on it. */
  async get(id: string, callerId: string): Promise<DatasetRecord | null> {
    const [row] = await this.pool.prepared<AccessRow>('dataset_access', ACCESS_SQL, [id, callerId]);
    return row ? toRecord(row, row.group_access) : null;
  }

  /**
   * Datasets the caller may read, by name: all for admins; else their own and those a group of
   * theirs holds a permission on. `take` rows after `afterName`; all of them when `take` is unset.
   */
  async listReadable(caller: { id: string; admin: boolean }, afterName?: string, take?: number): Promise<DatasetRecord[]> {
    const readable: Prisma.DatasetWhereInput = caller.admin
      ? {}
      : { OR: [{ ownerUserId: caller.id }, { permissions: { some: { group: { memberships: { some: { userId: caller.id } } } } } }] };
    const rows = await this.prisma.dataset.findMany({
      where: { AND: [readable, afterName !== undefined ? { name: { gt: afterName } } : {}] },
      orderBy: { name: 'asc' },
      take,
      include: callerPermissions(caller.id),
    });
    return rows.map(fromPrisma);
  }

  async update(id: string, change: { name?: string; description?: string; owner?: UserSummary; at: Date }, callerId: string): Promise<DatasetRecord> {
    try {
      const row = await this.prisma.dataset.update({
        where: { id },
        data: {
          name: change.name,
          description: change.description,
          ...(change.owner ? { ownerUserId: change.owner.id, ownerLogin: change.owner.login } : {}),
          updatedAt: change.at,
        },
        include: callerPermissions(callerId),
      });
      return fromPrisma(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(change.name ?? '');
      if (isNotFound(error)) throw datasetNotFound(id);
      throw error;
    }
  }

  /** Deletes the dataset with its permissions and file metadata. */
  async delete(id: string): Promise<boolean> {
    return (await this.prisma.dataset.deleteMany({ where: { id } })).count > 0;
  }

  async permissions(id: string): Promise<DatasetGroupPermission[]> {
    const rows = await this.prisma.datasetGroupPermission.findMany({
      where: { datasetId: id },
      include: { group: { select: { name: true } } },
      orderBy: { group: { name: 'asc' } },
    });
    return rows.map((r) => ({
      groupId: r.groupId,
      groupName: r.group.name,
      access: r.access,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  /** Grants `access` to the group, or changes what it holds. Null when the group does not exist. */
  async setPermission(
    datasetId: string,
    groupId: string,
    access: DatasetGroupAccess,
    at: Date,
  ): Promise<{ previous: DatasetGroupAccess | null; permission: DatasetGroupPermission } | null> {
    try {
      return await this.transactions.run(async () => {
        const before = await this.prisma.datasetGroupPermission.findUnique({ where: { datasetId_groupId: { datasetId, groupId } }, select: { access: true } });
        const row = await this.prisma.datasetGroupPermission.upsert({
          where: { datasetId_groupId: { datasetId, groupId } },
          create: { datasetId, groupId, access, createdAt: at, updatedAt: at },
          update: { access, updatedAt: at },
          include: { group: { select: { name: true } } },
        });
        return {
          previous: before?.access ?? null,
          permission: {
            groupId,
            groupName: row.group.name,
            access: row.access,
            createdAt: row.createdAt.toISOString(),
            updatedAt: row.updatedAt.toISOString(),
          },
        };
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) return null;
      throw error;
    }
  }

  /** The access the group held, or null when it held none. */
  async removePermission(datasetId: string, groupId: string): Promise<DatasetGroupAccess | null> {
    const [row] = await this.prisma.$queryRaw<{ access: DatasetGroupAccess }[]>`
      DELETE FROM dataset_group_permissions WHERE dataset_id = ${datasetId}::uuid AND group_id = ${groupId}::uuid RETURNING access::text AS access`;
    return row?.access ?? null;
  }
}
