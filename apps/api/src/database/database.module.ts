import { DynamicModule, Global, Module } from '@nestjs/common';
import { DatabaseHealthService } from './database-health.service';
import { DATABASE_URL, KNOWN_MIGRATIONS } from './database.tokens';
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
      ],
      exports: [PrismaService, DatabaseHealthService],
    };
  }
}
