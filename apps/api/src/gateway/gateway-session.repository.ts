import { Injectable } from '@nestjs/common';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';

/** A gateway session as the gateway presents it: whose, for which webapp, and its Behalf session's timing. */
export interface GatewaySessionState {
  userId: string;
  webappId: string;
  session: { id: string; lastSeenAt: Date; expiresAt: Date };
}

const STATE_SQL = `
  SELECT g.user_id::text AS user_id, g.webapp_id::text AS webapp_id, s.id::text AS session_id, s.last_seen_at, s.expires_at
    FROM gateway_sessions g
    JOIN sessions s ON s.id = g.session_id
   WHERE g.token_hash = $1 AND s.revoked_at IS NULL`;

/**
 * Viewers' sessions at the gateway, one per webapp origin, and the authorization codes that
 * create them. Only SHA-256 hashes of codes and tokens are stored; both die with the Behalf
 * session that approved them (ON DELETE CASCADE): logout, disable, password change.
 */
@Injectable()
export class GatewaySessionRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
  ) {}

  async state(tokenHash: string): Promise<GatewaySessionState | null> {
    const [row] = await this.pg.prepared<{ user_id: string; webapp_id: string; session_id: string; last_seen_at: Date; expires_at: Date }>(
      'behalf_gateway_session',
      STATE_SQL,
      [tokenHash],
    );
    return row
      ? { userId: row.user_id, webappId: row.webapp_id, session: { id: row.session_id, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at } }
      : null;
  }

  async createCode(code: {
    codeHash: string;
    sessionId: string;
    userId: string;
    webappId: string;
    redirectUri: string;
    codeChallenge: string;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<void> {
    await this.prisma.authorizationCode.create({ data: code });
  }

  /**
   * Marks the code redeemed and answers it as it was; null when unknown. A code already
   * redeemed comes back with `redeemedAt` set (the caller then revokes what it gave).
   */
  async redeemCode(
    codeHash: string,
    at: Date,
  ): Promise<{
    sessionId: string;
    userId: string;
    webappId: string;
    redirectUri: string;
    codeChallenge: string;
    expiresAt: Date;
    redeemedAt: Date | null;
  } | null> {
    const row = await this.prisma.authorizationCode.findUnique({ where: { codeHash } });
    if (!row) return null;
    if (row.redeemedAt) return row;
    const won = (await this.prisma.authorizationCode.updateMany({ where: { codeHash, redeemedAt: null }, data: { redeemedAt: at } })).count > 0;
    return won ? row : { ...row, redeemedAt: at };
  }

  /** RFC 6749 §4.1.2: a code used twice revokes what it gave. */
  async revokeFromCode(codeHash: string): Promise<number> {
    return (await this.prisma.gatewaySession.deleteMany({ where: { codeHash } })).count;
  }

  async createSession(session: { tokenHash: string; sessionId: string; userId: string; webappId: string; codeHash: string; createdAt: Date }): Promise<void> {
    await this.prisma.gatewaySession.create({ data: session });
  }

  /** Codes past their minute, redeemed or not: nothing refers to them once expired. */
  async deleteExpiredCodes(before: Date): Promise<number> {
    return (await this.prisma.authorizationCode.deleteMany({ where: { expiresAt: { lt: before } } })).count;
  }
}
