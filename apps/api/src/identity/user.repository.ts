import { Injectable } from '@nestjs/common';
import type { GroupPermissions, Permission, User } from '@behalf/contracts';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { isNotFound, isUniqueViolation } from '../platform/database/prisma-errors';
import { Prisma } from '../platform/database/generated/client';
import { alreadyExists, notFound } from '../kernel/domain-error';

type UserRow = Prisma.UserGetPayload<object>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    login: row.login,
    displayName: row.displayName,
    email: row.email,
    status: row.status,
    hasPassword: row.passwordHash !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What authentication needs to know of a user: identity, state, groups and their permissions. */
export interface UserWithGroups {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  active: boolean;
  groups: { id: string; name: string; permissions: GroupPermissions }[];
}

/**
 * Reads a user with their groups (each with its permissions, by name) in the same statement as
 * the credential that names them: select {@link USER_WITH_GROUPS_COLUMNS}, join
 * {@link userWithGroupsJoins} on the credential's user column, group by the credential's key and
 * `u.id`, and turn the row into a {@link UserWithGroups} with {@link userWithGroupsOfRow}. API keys
 * and sessions both authenticate this way, in one round trip.
 */
export const USER_WITH_GROUPS_COLUMNS = `
  u.id::text AS user_id, u.login, u.display_name, u.email, u.status = 'active' AS active,
  COALESCE(json_agg(json_build_object(
             'id', g.id, 'name', g.name,
             'permissions', json_build_object('admin', g.is_admin, 'mayCreateWebapps', g.may_create_webapps,
                                              'mayManageDatasets', g.may_manage_datasets, 'gateway', g.is_gateway))
           ORDER BY g.name) FILTER (WHERE g.id IS NOT NULL), '[]') AS groups`;

export function userWithGroupsJoins(userIdColumn: string): string {
  return `
    JOIN users u ON u.id = ${userIdColumn}
    LEFT JOIN memberships m ON m.user_id = u.id
    LEFT JOIN groups g ON g.id = m.group_id`;
}

export interface UserWithGroupsRow {
  user_id: string;
  login: string;
  display_name: string;
  email: string | null;
  active: boolean;
  groups: UserWithGroups['groups'];
}

export function userWithGroupsOfRow(row: UserWithGroupsRow): UserWithGroups {
  return { id: row.user_id, login: row.login, displayName: row.display_name, email: row.email, active: row.active, groups: row.groups };
}

export const withGroups = {
  memberships: { include: { group: true }, orderBy: { group: { name: 'asc' } } },
} as const satisfies Prisma.UserInclude;

export function toUserWithGroups(row: Prisma.UserGetPayload<{ include: typeof withGroups }>): UserWithGroups {
  return {
    id: row.id,
    login: row.login,
    displayName: row.displayName,
    email: row.email,
    active: row.status === 'active',
    groups: row.memberships.map((m) => ({
      id: m.group.id,
      name: m.group.name,
      permissions: {
        admin: m.group.isAdmin,
        mayCreateWebapps: m.group.mayCreateWebapps,
        mayManageDatasets: m.group.mayManageDatasets,
        gateway: m.group.isGateway,
      },
    })),
  };
}

/** A user as webapp runtimes see them: who they are, their groups, and what they may do. */
export interface UserProfile {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  active: boolean;
  /** By name. */
  groups: { id: string; name: string }[];
  permissions: Permission[];
}

// One round trip on the runtime's hot path: the user, their groups and their permissions.
const PROFILE_SQL = `
  SELECT u.id::text AS id, u.login, u.display_name, u.email, u.status = 'active' AS active,
         COALESCE(json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY g.name) FILTER (WHERE g.id IS NOT NULL), '[]') AS groups,
         COALESCE(bool_or(g.is_admin), false) AS admin,
         COALESCE(bool_or(g.may_create_webapps), false) AS may_create_webapps,
         COALESCE(bool_or(g.may_manage_datasets), false) AS may_manage_datasets,
         COALESCE(bool_or(g.is_gateway), false) AS is_gateway
    FROM users u
    LEFT JOIN memberships m ON m.user_id = u.id
    LEFT JOIN groups g ON g.id = m.group_id
   WHERE u.id = $1::uuid
   GROUP BY u.id`;

/** The permissions a user's groups confer, from the flags aggregated over them in SQL. */
function permissionsOf(flags: { admin: boolean; may_create_webapps: boolean; may_manage_datasets: boolean; is_gateway: boolean }): Permission[] {
  const permissions: Permission[] = [];
  if (flags.admin) permissions.push('admin');
  if (flags.may_create_webapps) permissions.push('mayCreateWebapps');
  if (flags.may_manage_datasets) permissions.push('mayManageDatasets');
  if (flags.is_gateway) permissions.push('gateway');
  return permissions;
}

interface ProfileRow {
  id: string;
  login: string;
  display_name: string;
  email: string | null;
  active: boolean;
  groups: { id: string; name: string }[];
  admin: boolean;
  may_create_webapps: boolean;
  may_manage_datasets: boolean;
  is_gateway: boolean;
}

export interface NewUser {
  login: string;
  displayName: string;
  email: string | null;
  status: 'active' | 'disabled';
  passwordHash: string | null;
}

export type UserPatch = Partial<NewUser>;

const loginTaken = (login: string) => alreadyExists(`A user with login "${login}" already exists.`);
export const userNotFound = (id: string) => notFound(`No user has id ${id}.`);

@Injectable()
export class UserRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
  ) {}

  /** The user's profile, or null when there is no such user. */
  async profile(id: string): Promise<UserProfile | null> {
    const [row] = await this.pg.prepared<ProfileRow>('behalf_user_profile', PROFILE_SQL, [id]);
    if (!row) return null;
    return {
      id: row.id,
      login: row.login,
      displayName: row.display_name,
      email: row.email,
      active: row.active,
      groups: row.groups,
      permissions: permissionsOf(row),
    };
  }

  async create(user: NewUser): Promise<User> {
    try {
      return toUser(await this.prisma.user.create({ data: user }));
    } catch (error) {
      if (isUniqueViolation(error)) throw loginTaken(user.login);
      throw error;
    }
  }

  async get(id: string): Promise<User | null> {
    const row = await this.prisma.user.findUnique({ where: { id } });
    return row ? toUser(row) : null;
  }

  /** For password login only: the one place a password hash leaves the database. */
  findCredentials(login: string): Promise<{ id: string; login: string; status: string; passwordHash: string | null } | null> {
    return this.prisma.user.findUnique({ where: { login }, select: { id: true, login: true, status: true, passwordHash: true } });
  }

  async withGroups(id: string): Promise<UserWithGroups | null> {
    const row = await this.prisma.user.findUnique({ where: { id }, include: withGroups });
    return row ? toUserWithGroups(row) : null;
  }

  /** Ordered by login (unique, so the order is stable); `q` is a case-insensitive prefix. */
  async list(q: string | undefined, afterLogin: string | undefined, take: number): Promise<User[]> {
    const rows = await this.prisma.user.findMany({
      where: {
        ...(q
          ? {
              OR: [
                { login: { startsWith: q, mode: 'insensitive' } },
                { displayName: { startsWith: q, mode: 'insensitive' } },
                { email: { startsWith: q, mode: 'insensitive' } },
              ],
            }
          : {}),
        ...(afterLogin !== undefined ? { login: { gt: afterLogin } } : {}),
      },
      orderBy: { login: 'asc' },
      take,
    });
    return rows.map(toUser);
  }

  async update(id: string, patch: UserPatch): Promise<User> {
    try {
      return toUser(await this.prisma.user.update({ where: { id }, data: patch }));
    } catch (error) {
      if (isNotFound(error)) throw userNotFound(id);
      if (isUniqueViolation(error)) throw loginTaken(patch.login ?? '');
      throw error;
    }
  }

  /** Deletes the user; memberships, sessions and API keys go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<User> {
    try {
      return toUser(await this.prisma.user.delete({ where: { id } }));
    } catch (error) {
      if (isNotFound(error)) throw userNotFound(id);
      throw error;
    }
  }

  /** How many users there are, but for service principals (`except`, by login). */
  count(except: readonly string[] = []): Promise<number> {
    return this.prisma.user.count({ where: { login: { notIn: [...except] } } });
  }
}
