import { Injectable } from '@nestjs/common';
import type { SecretNameRequest } from '@behalf/contracts';
import { PrismaService } from '../platform/database/prisma.service';
import { Prisma } from '../platform/database/generated/client';

type Row = Prisma.SecretNameRequestGetPayload<{ include: { webapp: { select: { name: true } } } }>;

function toRequest(row: Row): SecretNameRequest {
  return {
    webappId: row.webappId,
    webappName: row.webapp.name,
    names: [...row.names],
    requestedBy: { id: row.requestedByUserId, login: row.requestedByLogin },
    requestedAt: row.requestedAt.toISOString(),
  };
}

const WITH_NAME = { webapp: { select: { name: true } } } as const;

/** Pending secret-name requests, one per webapp. */
@Injectable()
export class SecretNameRequestRepository {
  constructor(private readonly prisma: PrismaService) {}

  async get(webappId: string): Promise<SecretNameRequest | null> {
    const row = await this.prisma.secretNameRequest.findUnique({ where: { webappId }, include: WITH_NAME });
    return row ? toRequest(row) : null;
  }

  /** Records `names` as the webapp's pending request, replacing an earlier one. */
  async put(webappId: string, names: string[], by: { id: string; login: string }, at: Date): Promise<SecretNameRequest> {
    const data = { names, requestedByUserId: by.id, requestedByLogin: by.login, requestedAt: at };
    const row = await this.prisma.secretNameRequest.upsert({ where: { webappId }, create: { webappId, ...data }, update: data, include: WITH_NAME });
    return toRequest(row);
  }

  /** Removes the webapp's request; false when there was none. */
  async delete(webappId: string): Promise<boolean> {
    return (await this.prisma.secretNameRequest.deleteMany({ where: { webappId } })).count === 1;
  }

  /** Keeps only the requested names the webapp may still not receive; drops the request when none is left. */
  async keepOnly(webappId: string, names: string[]): Promise<void> {
    if (names.length === 0) await this.delete(webappId);
    else await this.prisma.secretNameRequest.updateMany({ where: { webappId }, data: { names } });
  }

  /** Pending requests, oldest first, after the (requestedAt, webappId) cursor. */
  async list(after: [Date, string] | undefined, take: number): Promise<SecretNameRequest[]> {
    const rows = await this.prisma.secretNameRequest.findMany({
      where: after ? { OR: [{ requestedAt: { gt: after[0] } }, { requestedAt: after[0], webappId: { gt: after[1] } }] } : undefined,
      orderBy: [{ requestedAt: 'asc' }, { webappId: 'asc' }],
      include: WITH_NAME,
      take,
    });
    return rows.map(toRequest);
  }
}
