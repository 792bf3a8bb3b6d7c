import { Module } from '@nestjs/common';
import { keyRingProvider, KEY_RING } from './key-ring.provider';

/** The key-encryption key ring that seals signing keys and users' secrets at rest. */
@Module({ providers: [keyRingProvider], exports: [KEY_RING] })
export class CryptoModule {}
