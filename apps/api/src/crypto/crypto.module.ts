import { Module } from '@nestjs/common';
import { KekController } from './kek.controller';
import { KekService } from './kek.service';
import { keyRingProvider, KEY_RING } from './key-ring.provider';

/** The key-encryption key ring that seals signing keys and users' secrets at rest, and its upkeep. */
@Module({ controllers: [KekController], providers: [keyRingProvider, KekService], exports: [KEY_RING] })
export class CryptoModule {}
