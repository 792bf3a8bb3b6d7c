import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ChangeFeed } from './change-feed.service';
import { DatabaseHealthService } from './database-health.service';
import { DATABASE_URL, KNOWN_MIGRATIONS } from './database.tokens';
import { LocalWritesInterceptor } from './local-writes.interceptor';
import { PgPool } from './pg-pool';
import { PrismaService } from './prisma.service';
import { TransactionInterceptor } from './transaction.interceptor';
import { Transactions } from './transactions';

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
        ChangeFeed,
        PgPool,
        Transactions,
        // In this order: the cache bump after a write happens once its transaction committed.
        { provide: APP_INTERCEPTOR, useClass: LocalWritesInterceptor },
        { provide: APP_INTERCEPTOR, useClass: TransactionInterceptor },
      ],
      exports: [PrismaService, DatabaseHealthService, ChangeFeed, PgPool, Transactions],
    };
  }
}
