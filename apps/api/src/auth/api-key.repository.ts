import { Injectable } from '@nestjs/common';
import type { ApiKey } from '@behalf/contracts';
import { PrismaService } from '../platform/database/prisma.service';
import { Prisma } from '../platform/database/generated/client';
import { toUserWithGroups, UserWithGroups, withGroups } from '../identity/user.repository';

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

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

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

  async findForAuthentication(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { id }, include: { user: { include: withGroups } } });
    return row
      ? {
          id: row.id,
          secretHash: row.secretHash,
          expiresAt: row.expiresAt,
          revokedAt: row.revokedAt,
          lastUsedAt: row.lastUsedAt,
          user: toUserWithGroups(row.user),
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
