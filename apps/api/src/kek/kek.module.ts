import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto/crypto.module';
import { SecretsModule } from '../secrets/secrets.module';
import { TokensModule } from '../tokens/tokens.module';
import { KekController } from './kek.controller';
import { KekService } from './kek.service';

/**
 * The key-encryption key ring's upkeep: re-wrapping every sealed store to the newest KEK (audited)
 * and naming, at start-up, records the ring cannot open. It imports the modules that register
 * sealed stores, so the registry is complete when it runs.
 */
@Module({ imports: [CryptoModule, TokensModule, SecretsModule], controllers: [KekController], providers: [KekService] })
export class KekModule {}
