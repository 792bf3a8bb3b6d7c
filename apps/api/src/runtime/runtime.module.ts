import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { ImpersonationModule } from '../impersonation/impersonation.module';
import { SecretsModule } from '../secrets/secrets.module';
import { SettingsModule } from '../settings/settings.module';
import { TokensModule } from '../tokens/tokens.module';
import { WebappsModule } from '../webapps/webapps.module';
import { ActingCheck } from './acting-check.service';
import { CheckController } from './acting-check.controller';
import { ImpersonatedRequestsAudit } from './impersonated-requests-audit';
import { RunRateLimiter } from './run-rate-limiter';
import { RuntimeController } from './runtime.controller';
import { RuntimeFacts } from './runtime-facts.service';
import { RuntimeService } from './runtime.service';
import { TokenPrincipals } from './token-principals';

/**
 * What webapp backends call at run time (auth info and identity tokens about their viewers), the
 * read model of runs, webapps, users, grants and settings their hot paths share, and the
 * authentication of the tokens they hold (backend and impersonation), provided to auth's port
 * with the whole policy judged on every use; and the admins' question of that policy, "may A act
 * as V (in webapp W), and why" (`GET /impersonation/check`).
 */
@Module({
  imports: [IdentityModule, ImpersonationModule, SecretsModule, SettingsModule, TokensModule, WebappsModule],
  controllers: [RuntimeController, CheckController],
  providers: [ActingCheck, RunRateLimiter, RuntimeFacts, RuntimeService, TokenPrincipals, ImpersonatedRequestsAudit],
  exports: [RunRateLimiter, RuntimeFacts, TokenPrincipals],
})
export class RuntimeModule {}
