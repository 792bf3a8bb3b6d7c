import { RunRateLimiter } from './run-rate-limiter';
import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IdentityModule } from '../identity/identity.module';
import { ImpersonationModule } from '../impersonation/impersonation.module';
import { SecretsModule } from '../secrets/secrets.module';
import { SettingsModule } from '../settings/settings.module';
import { TokensModule } from '../tokens/tokens.module';
import { WebappsModule } from '../webapps/webapps.module';
import { BearerJwtStrategy } from './bearer-jwt.strategy';
import { ImpersonatedRequestsAudit } from './impersonated-requests-audit';
import { OAuthController, RuntimeController } from './runtime.controller';
import { RuntimeFacts } from './runtime-facts.service';
import { RuntimeService } from './runtime.service';
import { TokenExchangeService } from './token-exchange.service';

/**
 * What webapp backends call at run time: auth info and identity tokens about their viewers, the
 * RFC 8693 token exchange for impersonation tokens, and the authentication of both kinds of
 * token they hold (backend and impersonation) with the whole policy judged on every use.
 */
@Module({
  imports: [AuthModule, IdentityModule, ImpersonationModule, SecretsModule, SettingsModule, TokensModule, WebappsModule],
  controllers: [RuntimeController, OAuthController],
  providers: [RunRateLimiter, RuntimeFacts, RuntimeService, TokenExchangeService, BearerJwtStrategy, ImpersonatedRequestsAudit],
})
export class RuntimeModule {}
