import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, Config } from '../config/config';
import { PrismaService, prismaTarget } from './prisma.service';
import { ambientTransaction, inTransactionScope, transactionScope } from './transaction-scope';

/**
 * The one transaction helper. `run` executes a unit of work in one PostgreSQL transaction:
 * every repository call inside it, and every audit record of a state change made inside it
 * (they go to the audit outbox, see `AuditService`), commit together or not at all. Nested calls
 * join the outer transaction. `afterCommit` hooks run once the transaction has committed, in
 * order, before `run` resolves: local cache bumps and the outbox drain belong there, never
 * before the commit (a reader would cache the old state under the new generation).
 */
@Injectable()
export class Transactions {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  get active(): boolean {
    return ambientTransaction(prismaTarget(this.prisma)) !== undefined;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const owner = prismaTarget(this.prisma);
    if (ambientTransaction(owner)) return work();
    const hooks = new Map<unknown, () => unknown>();
    const result = await this.prisma.$transaction((tx) => inTransactionScope({ owner, tx, afterCommit: hooks }, work), {
      maxWait: this.config.database.acquireTimeoutMs,
      timeout: this.config.database.transactionTimeoutMs,
    });
    for (const hook of hooks.values()) await hook();
    return result;
  }

  /**
   * Runs `hook` after the ambient transaction commits (at once when there is none). With `once`,
   * hooks registered under the same key run once per transaction: work that covers every call
   * (moving the audit outbox) is not repeated for each.
   */
  afterCommit(hook: () => unknown, once: unknown = Symbol()): void {
    const unit = transactionScope.getStore();
    if (!unit || unit.owner !== prismaTarget(this.prisma)) void hook();
    else if (!unit.afterCommit.has(once)) unit.afterCommit.set(once, hook);
  }
}
