import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { from, lastValueFrom, Observable } from 'rxjs';
import { Transactions } from './transactions';

export const OWN_TRANSACTIONS = 'behalf:own-transactions';

/**
 * Declares that a write route manages its transactions itself, with the reason. For routes whose
 * refusals must persist though the request fails (login counts failed attempts), hot paths that
 * change nothing but the audit log (the token exchange, runtime calls), and streams that must not
 * hold a transaction open while bytes arrive (uploads: the service opens its own at the end).
 */
export const OwnTransactions = (_why: string): MethodDecorator & ClassDecorator => SetMetadata(OWN_TRANSACTIONS, true);

/**
 * Every write route runs in one transaction: whatever it changes, and the audit record of each
 * change (see `AuditService`), commit together when it succeeds, and nothing of it when it
 * throws. Deny by default: a route opts out only by saying `@OwnTransactions(why)`.
 */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  constructor(private readonly transactions: Transactions) {}

  /** Attached only to the write routes that need it (`http/write-route-interceptors.ts`). */
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.transactions.run(() => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
