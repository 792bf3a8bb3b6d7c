import { Injectable } from '@nestjs/common';
import type { ApiKey } from '@behalf/contracts';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { Prisma } from '../platform/database/generated/client';
import { USER_WITH_GROUPS_COLUMNS, UserWithGroups, UserWithGroupsRow, userWithGroupsJoins, userWithGroupsOfRow } from '../identity/user.repository';

type ApiKeyRow = Prisma.ApiKeyGetPayload<object>;

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    userId: row.userId,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export interface ApiKeyRecord {
  id: string;
  secretHash: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  user: UserWithGroups;
}

// One round trip on every API-key request (the gateway's included): the key, its user, and their
// groups with each group's permissions, by name.
const AUTHENTICATION_SQL = `
  SELECT k.secret_hash, k.expires_at, k.revoked_at, k.last_used_at, ${USER_WITH_GROUPS_COLUMNS}
    FROM api_keys k ${userWithGroupsJoins('k.user_id')}
   WHERE k.id = $1::uuid
   GROUP BY k.id, u.id`;

interface AuthenticationRow extends UserWithGroupsRow {
  secret_hash: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

@Injectable()
export class ApiKeyRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
  ) {}

  async create(key: {
    id: string;
    name: string;
    userId: string;
    secretHash: string;
    prefix: string;
    createdAt: Date;
    expiresAt: Date | null;
  }): Promise<ApiKey> {
    return toApiKey(await this.prisma.apiKey.create({ data: key }));
  }

  /** `id` must be a UUID (as {@link parseApiKey} reads one). */
  async findForAuthentication(id: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.pg.prepared<AuthenticationRow>('behalf_api_key_authentication', AUTHENTICATION_SQL, [id]);
    return row
      ? {
          id,
          secretHash: row.secret_hash,
          expiresAt: row.expires_at,
          revokedAt: row.revoked_at,
          lastUsedAt: row.last_used_at,
          user: userWithGroupsOfRow(row),
        }
      : null;
  }

  async get(id: string): Promise<ApiKey | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { id } });
    return row ? toApiKey(row) : null;
  }

  /** Newest first; `userId` undefined lists everyone's. */
  async list(userId: string | undefined, after: { createdAt: Date; id: string } | undefined, take: number): Promise<ApiKey[]> {
    const rows = await this.prisma.apiKey.findMany({
      where: {
        ...(userId !== undefined ? { userId } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toApiKey);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }

  /** Revokes one key; false when it was already revoked. */
  async revoke(id: string, at: Date): Promise<boolean> {
    return (await this.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } })).count === 1;
  }

  /** Revokes every live key of a user at once. */
  async revokeForUser(userId: string, at: Date): Promise<number> {
    return (await this.prisma.apiKey.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } })).count;
  }
}
