import { DynamicModule, Module, Type } from '@nestjs/common';
import { Config, CONFIG } from './config/config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { LOGGER } from './logging/logger.token';
import type { Logger } from './logging/logger';

export interface AppModuleOptions {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  /** Names of the migrations in `prisma/migrations`, for the readiness probe. */
  migrations: readonly string[];
  /** Extra modules, for tests that exercise the HTTP pipeline with a fixture controller. */
  extraModules?: Type[];
}

/** The composition root: every domain module is imported here and nowhere else. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot(options.databaseUrl, options.migrations),
        MetricsModule,
        HealthModule,
        ...(options.extraModules ?? []),
      ],
      providers: [
        { provide: CONFIG, useValue: options.config },
        { provide: LOGGER, useValue: options.logger },
      ],
      exports: [CONFIG, LOGGER],
    };
  }
}
