import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto/crypto.module';
import { SealedStores } from '../crypto/sealed-store';
import { BackendTokens } from './backend-token';
import { IdentityTokens } from './identity-token';
import { ImpersonationTokens } from './impersonation-token';
import { KeysController } from './keys.controller';
import { SigningKeyRepository } from './signing-key.repository';
import { signingKeyStore } from './signing-key.sealed-store';
import { SigningKeys } from './signing-keys.service';
import { TokenService } from './token.service';
import { WellKnownController } from './well-known.controller';

/** Signing keys, the JWKS and discovery, and each kind of Behalf's JWTs: backend, identity and impersonation tokens. */
@Module({
  imports: [CryptoModule],
  controllers: [WellKnownController, KeysController],
  providers: [SigningKeyRepository, SigningKeys, TokenService, BackendTokens, IdentityTokens, ImpersonationTokens],
  exports: [TokenService, BackendTokens, IdentityTokens, ImpersonationTokens],
})
export class TokensModule {
  constructor(stores: SealedStores) {
    stores.register(signingKeyStore);
  }
}
