import { Injectable } from '@nestjs/common';
import type { SecretConsent } from '@behalf/contracts';
import { PrismaService } from '../platform/database/prisma.service';
import { Prisma } from '../platform/database/generated/client';

const withWebapp = { webapp: { select: { name: true } } } satisfies Prisma.SecretConsentInclude;

function toConsent(row: Prisma.SecretConsentGetPayload<{ include: typeof withWebapp }>): SecretConsent {
  return {
    webappId: row.webappId,
    webappName: row.webapp.name,
    names: [...row.names].sort(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Users' consents: which of their secrets each webapp may receive. */
@Injectable()
export class SecretConsentRepository {
  constructor(private readonly prisma: PrismaService) {}

  async get(userId: string, webappId: string): Promise<SecretConsent | null> {
    const row = await this.prisma.secretConsent.findUnique({ where: { userId_webappId: { userId, webappId } }, include: withWebapp });
    return row ? toConsent(row) : null;
  }

  /** Creates or replaces the consent. */
  async put(userId: string, webappId: string, names: string[], at: Date): Promise<SecretConsent> {
    const row = await this.prisma.secretConsent.upsert({
      where: { userId_webappId: { userId, webappId } },
      create: { userId, webappId, names, createdAt: at, updatedAt: at },
      update: { names, updatedAt: at },
      include: withWebapp,
    });
    return toConsent(row);
  }

  async delete(userId: string, webappId: string): Promise<SecretConsent | null> {
    const found = await this.get(userId, webappId);
    if (!found) return null;
    await this.prisma.secretConsent.deleteMany({ where: { userId, webappId } });
    return found;
  }

  /** By webapp id. */
  async list(userId: string, afterWebappId: string | undefined, take: number): Promise<SecretConsent[]> {
    const rows = await this.prisma.secretConsent.findMany({
      where: { userId, ...(afterWebappId ? { webappId: { gt: afterWebappId } } : {}) },
      orderBy: { webappId: 'asc' },
      take,
      include: withWebapp,
    });
    return rows.map(toConsent);
  }

  /** The names `userId` consented to for `webappId` (none without a consent). */
  async names(userId: string, webappId: string): Promise<string[]> {
    const row = await this.prisma.secretConsent.findUnique({ where: { userId_webappId: { userId, webappId } }, select: { names: true } });
    return row?.names ?? [];
  }
}
