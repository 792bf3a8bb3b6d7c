import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { DATABASE_URL } from './database.tokens';
import { CONFIG, Config } from '../config/config';
import { poolTimeouts } from './pg-pool';
import { ambientTransaction } from './transaction-scope';

/** The client behind the proxy: what the ambient transaction is keyed by. */
const PRISMA_TARGET = Symbol('behalf:prisma-target');

export function prismaTarget(prisma: PrismaService): object {
  return (prisma as unknown as Record<symbol, object>)[PRISMA_TARGET];
}

/**
 * The Prisma client of the process, over a `pg` pool. Only repositories use it; Prisma types do
 * not leave their domain.
 *
 * Inside `Transactions.run` every member read through this service (model delegates, raw
 * queries) is the ambient transaction's, and a nested `$transaction(fn)` joins it: so the
 * repositories need not pass a transaction client around, and a change and its audit record
 * cannot end up in two transactions by mistake.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_URL) url: string, @Inject(CONFIG) config: Config) {
    super({
      adapter: new PrismaPg({
        connectionString: url,
        max: config.database.poolSize,
        application_name: 'behalf-api',
        ...poolTimeouts(config),
      }),
    });
    const target = this as object;
    return new Proxy(this, {
      get(client, property) {
        if (property === PRISMA_TARGET) return target;
        const tx = ambientTransaction(target) as Record<string | symbol, unknown> | undefined;
        if (tx) {
          if (property === '$transaction') return joinTransaction(tx);
          if (property in tx) return tx[property];
        }
        const value = Reflect.get(client, property, client) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(client) : value;
      },
    });
  }

  /** The last shutdown phase: after requests finished and queued audit records committed. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

/** `$transaction` inside a transaction: the work joins it (a function), or runs in order (a list). */
function joinTransaction(tx: Record<string | symbol, unknown>) {
  return async (work: unknown) => {
    if (typeof work === 'function') return (work as (client: unknown) => Promise<unknown>)(tx);
    const results: unknown[] = [];
    for (const query of work as Promise<unknown>[]) results.push(await query);
    return results;
  };
}
