import { Module } from '@nestjs/common';
import { RuntimeModule } from '../runtime/runtime.module';
import { TokensModule } from '../tokens/tokens.module';
import { OAuthController } from './oauth.controller';
import { TokenExchangeService } from './token-exchange.service';

/** Behalf as an OAuth authorization server: the token endpoint (RFC 8693 token exchange). */
@Module({
  imports: [RuntimeModule, TokensModule],
  controllers: [OAuthController],
  providers: [TokenExchangeService],
})
export class OAuthModule {}
