import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto/crypto.module';
import { IdentityModule } from '../identity/identity.module';
import { MySecretsController, UserSecretsController } from './secrets.controller';
import { SecretRepository } from './secret.repository';
import { SecretsService } from './secrets.service';

/** Users' secrets, sealed at rest and write-only through the API. */
@Module({
  imports: [CryptoModule, IdentityModule],
  controllers: [MySecretsController, UserSecretsController],
  providers: [SecretRepository, SecretsService],
  exports: [SecretsService],
})
export class SecretsModule {}
