import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Me, RefusalCode } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import type { Logger } from '@behalf/server';
import { CLOCK, Clock } from '../kernel/clock';
import { LOGGER } from '../platform/logging/logger.token';
import { ProblemError } from '../kernel/problem';
import { PasswordHasher } from '../identity/password-hasher';
import { UserRepository } from '../identity/user.repository';
import { clientSource } from '../kernel/request-context';
import { Transactions } from '../platform/database/transactions';
import { LOGIN_THROTTLES } from './auth.config';
import { THROTTLE_REASONS } from './login-throttle';
import { waitInWords } from '../common/wait-in-words';
import { LoginThrottleRepository, throttleKeys } from './login-throttle.repository';
import { toMe } from './principal-of-user';
import { NewSession, SessionService } from './session.service';

/** The one answer to every failed password check: it never says which of the two was wrong. */
const INVALID_CREDENTIALS = 'Invalid login or password.';

function tooManyAttempts(until: Date, now: Date): ProblemError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new ProblemError('too-many-requests', `Too many failed logins: try again in ${waitInWords(seconds)}.`, undefined, {
    'retry-after': String(seconds),
  });
}

/** How often counters that say nothing any more are removed. */
const THROTTLE_SWEEP_MS = 10 * 60_000;

@Injectable()
export class AuthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly transactions: Transactions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Password login. The attempt is counted (per account and client source, per account, per
   * source) before any password is verified, atomically, so parallel guesses get no more checks
   * than the limits allow. An unknown login is verified against a dummy hash so it costs what a
   * wrong password costs, and counts against its would-be account the same way, so neither timing
   * nor lockouts reveal which logins exist. Throttled attempts are audited aggregated (a flood
   * costs bounded rows); the session and its record commit together.
   */
  async login(login: string, password: string, ctx: RequestContext): Promise<{ me: Me; session: NewSession }> {
    const now = this.clock.now();
    const normalized = login.toLowerCase();
    const keys = throttleKeys(normalized, clientSource(ctx.clientIp));
    const attempted = { userId: null, login: normalized };

    const decision = await this.throttle.attempt(keys, LOGIN_THROTTLES, now);
    if (!decision.allowed) {
      if (decision.lockedNow) {
        // Once per lock, so worth naming the account (audit records are for admins only).
        const user = await this.users.findCredentials(normalized);
        await this.audit.record(
          {
            action: 'auth.lockout',
            outcome: 'succeeded',
            reason: 'too_many_failed_logins',
            actor: user ? { userId: user.id, login: user.login } : attempted,
            target: { type: 'login', id: normalized },
            details: { lockedUntil: decision.retryAt.toISOString(), scope: 'account_and_client' },
          },
          ctx,
        );
      }
      await this.audit.refusal({ action: 'auth.login', outcome: 'denied', reason: THROTTLE_REASONS[decision.by], actor: attempted }, ctx);
      throw tooManyAttempts(decision.retryAt, now);
    }

    const user = await this.users.findCredentials(normalized);
    const passwordMatches = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !passwordMatches || user.status !== 'active') {
      const reason: RefusalCode = !user ? 'unknown_login' : !passwordMatches ? 'wrong_password' : 'user_disabled';
      const actor = user ? { userId: user.id, login: user.login } : attempted;
      await this.audit.record({ action: 'auth.login', outcome: 'failed', reason, actor }, ctx);
      throw new ProblemError('unauthenticated', INVALID_CREDENTIALS);
    }

    await this.throttle.succeeded(keys);
    const session = await this.transactions.run(async () => {
      const session = await this.sessions.create(user.id, ctx.clientIp);
      await this.audit.record({ action: 'auth.login', outcome: 'succeeded', actor: { userId: user.id, login: user.login } }, ctx);
      return session;
    });
    const withGroups = await this.users.withGroups(user.id);
    if (!withGroups) throw new ProblemError('unauthenticated', INVALID_CREDENTIALS);
    return { me: toMe(withGroups), session };
  }

  onApplicationBootstrap(): void {
    const sweep = () =>
      this.forgetStaleThrottles().catch((error: unknown) => this.logger.warn({ err: error }, 'login throttles: sweeping stale counters failed'));
    this.sweep = setInterval(() => void sweep(), THROTTLE_SWEEP_MS);
    this.sweep.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  /** Removes login counters whose longest window has passed and that lock nothing. */
  forgetStaleThrottles(): Promise<number> {
    const now = this.clock.now();
    const longest = Math.max(LOGIN_THROTTLES.pair.windowMs, LOGIN_THROTTLES.client.windowMs, LOGIN_THROTTLES.account.windowMs);
    return this.throttle.forgetStale(new Date(now.getTime() - longest), now);
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
