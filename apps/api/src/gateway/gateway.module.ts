import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IdentityModule } from '../identity/identity.module';
import { RuntimeModule } from '../runtime/runtime.module';
import { SettingsModule } from '../settings/settings.module';
import { TokensModule } from '../tokens/tokens.module';
import { GatewayPrincipalBootstrap } from './gateway-principal.bootstrap';
import { GatewaySessionRepository } from './gateway-session.repository';
import { GatewayController } from './gateway.controller';
import { GatewayService } from './gateway.service';

/**
 * What the webapp gateway (apps/gateway, its own process) asks of the API: routes, long-polled,
 * and its viewers' sessions; and the gateway's service principal, provisioned at start-up.
 */
@Module({
  imports: [AuthModule, IdentityModule, RuntimeModule, SettingsModule, TokensModule],
  controllers: [GatewayController],
  providers: [GatewayService, GatewaySessionRepository, GatewayPrincipalBootstrap],
  exports: [GatewaySessionRepository],
})
export class GatewayModule {}
