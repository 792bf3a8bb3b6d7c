import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Db } from '../database/prisma-errors';
import { toUserWithGroups, UserWithGroups, withGroups } from '../identity/user.repository';

export interface SessionRecord {
  id: string;
  csrfHash: string;
  lastSeenAt: Date;
  expiresAt: Date;
  user: UserWithGroups;
}

@Injectable()
export class SessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(session: {
    tokenHash: string;
    csrfHash: string;
    userId: string;
    createdAt: Date;
    expiresAt: Date;
    clientIp: string;
  }): Promise<string> {
    const row = await this.prisma.session.create({
      data: { ...session, lastSeenAt: session.createdAt },
      select: { id: true },
    });
    return row.id;
  }

  /** One indexed read: the session with its user, groups and permissions. */
  async findByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    const row = await this.prisma.session.findUnique({
      where: { tokenHash },
      include: { user: { include: withGroups } },
    });
    if (!row || row.revokedAt) return null;
    return { id: row.id, csrfHash: row.csrfHash, lastSeenAt: row.lastSeenAt, expiresAt: row.expiresAt, user: toUserWithGroups(row.user) };
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.session.updateMany({ where: { id }, data: { lastSeenAt: at } });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { id } });
  }

  /** Ends every session of a user at once. */
  async deleteForUser(userId: string, db: Db = this.prisma): Promise<number> {
    return (await db.session.deleteMany({ where: { userId } })).count;
  }
}
