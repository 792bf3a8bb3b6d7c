import { Module } from '@nestjs/common';
import { keyRingProvider, KEY_RING } from './key-ring.provider';
import { SealedStores } from './sealed-store';

/**
 * Sealing at rest: the key-encryption key ring and the registry of tables holding sealed values
 * (each owning module registers its own). It knows no domain; the ring's upkeep is `kek/`'s.
 */
@Module({ providers: [keyRingProvider, { provide: SealedStores, useFactory: () => new SealedStores() }], exports: [KEY_RING, SealedStores] })
export class CryptoModule {}
