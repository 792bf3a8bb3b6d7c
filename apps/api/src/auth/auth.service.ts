import { Inject, Injectable } from '@nestjs/common';
import type { Me } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../audit/request-context';
import { CLOCK, Clock } from '../common/clock';
import { ProblemError } from '../http/problem';
import { PasswordHasher } from '../identity/password-hasher';
import { UserRepository } from '../identity/user.repository';
import { ACCOUNT_THROTTLE, IP_THROTTLE } from './auth.config';
import { LoginThrottleRepository } from './login-throttle.repository';
import { toMe } from './principal-of-user';
import { NewSession, SessionService } from './session.service';

/** The one answer to every failed password check: it never says which of the two was wrong. */
const INVALID_CREDENTIALS = 'Invalid login or password.';

function tooManyAttempts(until: Date, now: Date): ProblemError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new ProblemError('too-many-requests', `Too many failed logins: try again in ${seconds} seconds.`, undefined, {
    'retry-after': String(seconds),
  });
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Password login. Locks are checked before any password is verified; an unknown login is
   * verified against a dummy hash so it costs what a wrong password costs, and counts against
   * its would-be account the same way, so neither timing nor lockouts reveal which logins exist.
   */
  async login(login: string, password: string, ctx: RequestContext): Promise<{ me: Me; session: NewSession }> {
    const now = this.clock.now();
    const normalized = login.toLowerCase();
    const accountKey = `login:${normalized}`;
    const ipKey = `ip:${ctx.clientIp}`;
    const attempted = { userId: null, login: normalized };

    for (const [key, reason] of [
      [ipKey, 'client_locked_out'],
      [accountKey, 'account_locked_out'],
    ] as const) {
      const lockedUntil = await this.throttle.lockedUntil(key, now);
      if (lockedUntil) {
        await this.audit.record({ action: 'auth.login', outcome: 'denied', reason, actor: attempted }, ctx);
        throw tooManyAttempts(lockedUntil, now);
      }
    }

    const user = await this.users.findCredentials(normalized);
    const passwordMatches = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !passwordMatches || user.status !== 'active') {
      const reason = !user ? 'unknown_login' : !passwordMatches ? 'wrong_password' : 'user_disabled';
      const actor = user ? { userId: user.id, login: user.login } : attempted;
      const account = await this.throttle.recordFailure(accountKey, now, ACCOUNT_THROTTLE);
      await this.throttle.recordFailure(ipKey, now, IP_THROTTLE);
      await this.audit.record({ action: 'auth.login', outcome: 'failed', reason, actor }, ctx);
      if (account.failures === ACCOUNT_THROTTLE.maxFailures && account.lockedUntil) {
        await this.audit.record(
          {
            action: 'auth.lockout',
            outcome: 'succeeded',
            reason: 'too_many_failed_logins',
            actor,
            target: { type: 'login', id: normalized },
            details: { lockedUntil: account.lockedUntil.toISOString(), failures: account.failures },
          },
          ctx,
        );
      }
      throw new ProblemError('unauthenticated', INVALID_CREDENTIALS);
    }

    await this.throttle.reset(accountKey);
    const session = await this.sessions.create(user.id, ctx.clientIp);
    const withGroups = await this.users.withGroups(user.id);
    if (!withGroups) throw new ProblemError('unauthenticated', INVALID_CREDENTIALS);
    await this.audit.record({ action: 'auth.login', outcome: 'succeeded', actor: { userId: user.id, login: user.login } }, ctx);
    return { me: toMe(withGroups), session };
  }

  async me(userId: string): Promise<Me> {
    const user = await this.users.withGroups(userId);
    if (!user) throw new ProblemError('unauthenticated', 'The caller no longer exists.');
    return toMe(user);
  }

  async logout(ctx: RequestContext): Promise<void> {
    const via = ctx.principal?.via;
    if (via?.kind === 'session') await this.sessions.end(via.sessionId);
    await this.audit.record({ action: 'auth.logout', outcome: 'succeeded', reason: via?.kind }, ctx);
  }
}
