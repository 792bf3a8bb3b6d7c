import { Module } from '@nestjs/common';
import { GatewayModule } from '../gateway/gateway.module';
import { WebappsModule } from '../webapps/webapps.module';
import { AuthorizationCodes } from './authorization-code.service';
import { AuthorizeController } from './authorize.controller';
import { RuntimeModule } from '../runtime/runtime.module';
import { TokensModule } from '../tokens/tokens.module';
import { OAuthController } from './oauth.controller';
import { TokenExchangeService } from './token-exchange.service';

/** Behalf as an OAuth authorization server: the token endpoint (RFC 8693 token exchange; the gateway's authorization code grant) and the authorization endpoint. */
@Module({
  imports: [RuntimeModule, TokensModule, GatewayModule, WebappsModule],
  controllers: [OAuthController, AuthorizeController],
  providers: [TokenExchangeService, AuthorizationCodes],
})
export class OAuthModule {}
