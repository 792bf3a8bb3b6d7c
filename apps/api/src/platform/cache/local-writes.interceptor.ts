import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { ChangeFeed } from './change-feed.service';

export const LEAVES_POLICY_UNCHANGED = 'behalf:leaves-policy-unchanged';

/**
 * Declares that a write route never changes what policy decisions depend on (users, groups,
 * memberships, grants, settings), so serving it keeps this replica's cached decisions. Hot write
 * paths (login, token exchange) must say it, or every call would empty the decision cache.
 */
export const LeavesPolicyUnchanged = (): MethodDecorator & ClassDecorator => SetMetadata(LEAVES_POLICY_UNCHANGED, true);

/**
 * After a write this process served succeeds (its transaction committed), caches here move to a
 * new generation at once, without waiting for PostgreSQL's notification to come back: a client
 * that changed something and then asks this same replica sees its change. Every write counts
 * unless its route declares `@LeavesPolicyUnchanged()`: forgetting to declare costs cache hits,
 * never correctness.
 */
@Injectable()
export class LocalWritesInterceptor implements NestInterceptor {
  constructor(private readonly feed: ChangeFeed) {}

  /** Attached only to the write routes that need it (`http/write-route-interceptors.ts`). */
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(tap({ next: () => this.feed.bump(), error: () => this.feed.bump() }));
  }
}
