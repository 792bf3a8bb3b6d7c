import { Injectable } from '@nestjs/common';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { USER_WITH_GROUPS_COLUMNS, UserWithGroups, UserWithGroupsRow, userWithGroupsJoins, userWithGroupsOfRow } from '../identity/user.repository';

export interface SessionRecord {
  id: string;
  csrfHash: string;
  lastSeenAt: Date;
  expiresAt: Date;
  user: UserWithGroups;
}

/** A session without its user: what deciding whether it still holds needs. */
export interface SessionTiming {
  id: string;
  userId: string;
  lastSeenAt: Date;
  expiresAt: Date;
}

const TIMING_SQL = `
  SELECT id::text AS id, user_id::text AS user_id, last_seen_at, expires_at
    FROM sessions
   WHERE token_hash = $1 AND revoked_at IS NULL`;

// One round trip on every request a browser session makes (the console's, a viewer's auth-info):
// the live session, its user, and their groups with each group's permissions, by name.
const AUTHENTICATION_SQL = `
  SELECT s.id::text AS id, s.csrf_hash, s.last_seen_at, s.expires_at, ${USER_WITH_GROUPS_COLUMNS}
    FROM sessions s ${userWithGroupsJoins('s.user_id')}
   WHERE s.token_hash = $1 AND s.revoked_at IS NULL
   GROUP BY s.id, u.id`;

interface AuthenticationRow extends UserWithGroupsRow {
  id: string;
  csrf_hash: string;
  last_seen_at: Date;
  expires_at: Date;
}

@Injectable()
export class SessionRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
  ) {}

  /** A live (unrevoked) session's timing by id. */
  async findTimingById(id: string): Promise<SessionTiming | null> {
    const row = await this.prisma.session.findFirst({ where: { id, revokedAt: null }, select: { id: true, userId: true, lastSeenAt: true, expiresAt: true } });
    return row;
  }

  /** One prepared, indexed read for the runtime's hot path (a viewer's cookie on every call). */
  async findTimingByTokenHash(tokenHash: string): Promise<SessionTiming | null> {
    const [row] = await this.pg.prepared<{ id: string; user_id: string; last_seen_at: Date; expires_at: Date }>('behalf_session_timing', TIMING_SQL, [
      tokenHash,
    ]);
    return row ? { id: row.id, userId: row.user_id, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at } : null;
  }

  async create(session: { tokenHash: string; csrfHash: string; userId: string; createdAt: Date; expiresAt: Date; clientIp: string }): Promise<string> {
    const row = await this.prisma.session.create({
      data: { ...session, lastSeenAt: session.createdAt },
      select: { id: true },
    });
    return row.id;
  }

  /** A live (unrevoked) session with its user, groups and permissions: one prepared, indexed read. */
  async findByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    const [row] = await this.pg.prepared<AuthenticationRow>('behalf_session_authentication', AUTHENTICATION_SQL, [tokenHash]);
    return row ? { id: row.id, csrfHash: row.csrf_hash, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at, user: userWithGroupsOfRow(row) } : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.session.updateMany({ where: { id }, data: { lastSeenAt: at } });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { id } });
  }

  /** Ends every session of a user at once. */
  async deleteForUser(userId: string): Promise<number> {
    return (await this.prisma.session.deleteMany({ where: { userId } })).count;
  }
}
