import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './prisma-errors';

/** One open transaction: its client, and what must run once it has committed. */
export interface Unit {
  owner: object;
  tx: Db;
  /** In order of registration; a hook registered again under the same key runs once. */
  afterCommit: Map<unknown, () => unknown>;
}

/**
 * The transaction the current async call chain runs in, if any. {@link PrismaService} reads it
 * so that every repository call made inside {@link Transactions.run} joins that transaction
 * without a client being passed around by hand.
 */
export const transactionScope = new AsyncLocalStorage<Unit>();

/** The ambient transaction of `owner` (a Prisma client), if the caller runs inside one. */
export function ambientTransaction(owner: object): Db | undefined {
  const unit = transactionScope.getStore();
  return unit && unit.owner === owner ? unit.tx : undefined;
}
