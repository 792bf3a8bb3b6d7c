import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ChangeFeed } from './change-feed.service';
import { DatabaseHealthService } from './database-health.service';
import { DATABASE_URL, KNOWN_MIGRATIONS } from './database.tokens';
import { LocalWritesInterceptor } from './local-writes.interceptor';
import { PgPool } from './pg-pool';
import { PrismaService } from './prisma.service';

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
        { provide: APP_INTERCEPTOR, useClass: LocalWritesInterceptor },
      ],
      exports: [PrismaService, DatabaseHealthService, ChangeFeed, PgPool],
    };
  }
}
