import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Clock, CLOCK, systemClock } from './kernel/clock';
import { Config, CONFIG } from './platform/config/config';
import { CacheModule } from './platform/cache/cache.module';
import { DatabaseModule } from './platform/database/database.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { ImpersonationModule } from './impersonation/impersonation.module';
import { SettingsModule } from './settings/settings.module';
import { DatasetsModule } from './datasets/datasets.module';
import { KekModule } from './kek/kek.module';
import { SecretsModule } from './secrets/secrets.module';
import { TokensModule } from './tokens/tokens.module';
import { WebappsModule } from './webapps/webapps.module';
import { OAuthModule } from './oauth/oauth.module';
import { GatewayModule } from './gateway/gateway.module';
import { RuntimeModule } from './runtime/runtime.module';
import { TokenPrincipals } from './runtime/token-principals';
import { TOKEN_AUTHENTICATOR } from './auth/token-authentication.port';
import { MetricsModule } from './platform/metrics/metrics.module';
import { LOGGER } from './platform/logging/logger.token';
import type { Logger } from '@behalf/server';

export interface AppModuleOptions {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  /** Names of the migrations in `prisma/migrations`, for the readiness probe. */
  migrations: readonly string[];
  /** The time source; tests pass one they can move. */
  clock?: Clock;
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
        CacheModule,
        MetricsModule,
        AuditModule,
        AuthModule,
        IdentityModule,
        SettingsModule,
        ImpersonationModule,
        TokensModule,
        WebappsModule,
        RuntimeModule,
        OAuthModule,
        GatewayModule,
        SecretsModule,
        KekModule,
        DatasetsModule,
        HealthModule,
        ...(options.extraModules ?? []),
      ],
      providers: [
        { provide: CONFIG, useValue: options.config },
        { provide: LOGGER, useValue: options.logger },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        // Ports: a lower module declares what it needs, a higher one provides it.
        { provide: TOKEN_AUTHENTICATOR, useExisting: TokenPrincipals },
      ],
      exports: [CONFIG, LOGGER, CLOCK, TOKEN_AUTHENTICATOR],
    };
  }
}
