import { DynamicModule, Global, Module } from '@nestjs/common';
import { DatabaseHealthService } from './database-health.service';
import { DATABASE_URL, KNOWN_MIGRATIONS } from './database.tokens';
import { PgPool } from './pg-pool';
import { PrismaService } from './prisma.service';
import { TransactionInterceptor } from './transaction.interceptor';
import { Transactions } from './transactions';

/**
 * PostgreSQL: Prisma behind the transaction-aware proxy, the plain pool for hot paths, the
 * transaction helper and its interceptor (attached to every write route by
 * `http/write-route-interceptors.ts`).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, migrations: readonly string[]): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: url },
        { provide: KNOWN_MIGRATIONS, useValue: migrations },
        PrismaService,
        DatabaseHealthService,
        PgPool,
        Transactions,
        TransactionInterceptor,
      ],
      exports: [DATABASE_URL, PrismaService, DatabaseHealthService, PgPool, Transactions, TransactionInterceptor],
    };
  }
}
