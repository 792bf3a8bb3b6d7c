import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto/crypto.module';
import { SealedStores } from '../crypto/sealed-store';
import { IdentityModule } from '../identity/identity.module';
import { WebappsModule } from '../webapps/webapps.module';
import { SecretConsentRepository } from './secret-consent.repository';
import { SecretConsentsController } from './secret-consents.controller';
import { SecretConsentsService } from './secret-consents.service';
import { MySecretsController, UserSecretsController } from './secrets.controller';
import { SecretRepository } from './secret.repository';
import { SecretsService } from './secrets.service';
import { userSecretStore } from './user-secret.sealed-store';

/** Users' secrets, sealed at rest and write-only through the API. */
@Module({
  imports: [CryptoModule, IdentityModule, WebappsModule],
  controllers: [MySecretsController, UserSecretsController, SecretConsentsController],
  providers: [SecretRepository, SecretsService, SecretConsentRepository, SecretConsentsService],
  exports: [SecretsService, SecretConsentRepository],
})
export class SecretsModule {
  constructor(stores: SealedStores) {
    stores.register(userSecretStore);
  }
}
