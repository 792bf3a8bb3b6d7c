import { Inject, Injectable } from '@nestjs/common';
import type { RefusalCode } from '@behalf/contracts';
import { CLOCK, Clock } from '../kernel/clock';
import { randomSecret, sha256Hex } from '../common/hashing';
import { CONFIG, Config } from '../platform/config/config';
import { TOUCH_INTERVAL_MS } from './auth.config';
import { Principal } from '../kernel/principal';
import { principalFor } from './principal-of-user';
import { SessionRepository, SessionTiming } from './session.repository';

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Browser sessions: opaque 256-bit cookie values, stored only as SHA-256. */
/** Why a session cookie does not hold (codes of the catalogue). */
export type SessionRefusal = Extract<RefusalCode, 'unknown_session' | 'session_expired' | 'session_idle_timeout' | 'user_disabled'>;

@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(userId: string, clientIp: string): Promise<NewSession> {
    const token = randomSecret();
    const csrfToken = randomSecret();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.sessions.absoluteTimeoutSeconds * 1000);
    await this.sessions.create({
      tokenHash: sha256Hex(token),
      csrfHash: sha256Hex(csrfToken),
      userId,
      createdAt: now,
      expiresAt,
      clientIp,
    });
    return { token, csrfToken, expiresAt };
  }

  /**
   * The principal of a session cookie, or a reason it is refused. The lookup is by hash (the
   * unique index), so no comparison of secrets happens in JavaScript.
   */
  async authenticate(token: string): Promise<Principal | { refused: SessionRefusal }> {
    const session = await this.sessions.findByTokenHash(sha256Hex(token));
    if (!session) return { refused: 'unknown_session' };
    const refused = await this.holds(session);
    if (refused) return refused;
    if (!session.user.active) return { refused: 'user_disabled' };
    return principalFor(session.user, { kind: 'session', sessionId: session.id, csrfHash: session.csrfHash });
  }

  /**
   * Whose session a viewer's cookie is (as a webapp backend passes it on), or why it is
   * refused: the same timeouts as {@link authenticate}; whether the user is active is the caller's.
   */
  async userOf(token: string): Promise<{ userId: string } | { refused: SessionRefusal }> {
    const session = await this.sessions.findTimingByTokenHash(sha256Hex(token));
    if (!session) return { refused: 'unknown_session' };
    return (await this.holds(session)) ?? { userId: session.userId };
  }

  /** A live session's timing by id, for {@link holds}; null when it ended. */
  timing(sessionId: string): Promise<SessionTiming | null> {
    return this.sessions.findTimingById(sessionId);
  }

  /**
   * Undefined when the session holds (and is then marked seen, now and then, when `seen`: its user
   * did something); else why not.
   */
  async holds(session: Omit<SessionTiming, 'userId'>, seen = true): Promise<{ refused: SessionRefusal } | undefined> {
    const now = this.clock.now();
    if (session.expiresAt <= now) return { refused: 'session_expired' };
    const idleLimit = session.lastSeenAt.getTime() + this.config.sessions.idleTimeoutSeconds * 1000;
    if (idleLimit <= now.getTime()) return { refused: 'session_idle_timeout' };
    if (seen && now.getTime() - session.lastSeenAt.getTime() >= Math.min(TOUCH_INTERVAL_MS, this.config.sessions.idleTimeoutSeconds * 100)) {
      await this.sessions.touch(session.id, now);
    }
    return undefined;
  }

  end(sessionId: string): Promise<void> {
    return this.sessions.delete(sessionId);
  }
}
