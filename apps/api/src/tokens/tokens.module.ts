import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto/crypto.module';
import { SealedStores } from '../crypto/sealed-store';
import { KeysController } from './keys.controller';
import { SigningKeyRepository } from './signing-key.repository';
import { signingKeyStore } from './signing-key.sealed-store';
import { SigningKeys } from './signing-keys.service';
import { TokenService } from './token.service';
import { WellKnownController } from './well-known.controller';

/** Signing keys, the JWKS and discovery, and issuing and verifying Behalf's JWTs. */
@Module({
  imports: [CryptoModule],
  controllers: [WellKnownController, KeysController],
  providers: [SigningKeyRepository, SigningKeys, TokenService],
  exports: [TokenService],
})
export class TokensModule {
  constructor(stores: SealedStores) {
    stores.register(signingKeyStore);
  }
}
