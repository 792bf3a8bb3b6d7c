import { Injectable } from '@nestjs/common';
import type { PublicJwk, SigningAlgorithm } from '@behalf/contracts';
import type { Sealed } from '../crypto/envelope';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { PrismaService } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';

export interface StoredSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublicJwk;
  sealed: Sealed;
  createdAt: Date;
  activatesAt: Date;
  /** A compromised key: out of the JWKS, its tokens refused. */
  revokedAt: Date | null;
}

@Injectable()
export class SigningKeyRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  async all(): Promise<StoredSigningKey[]> {
    const rows = await this.prisma.signingKey.findMany({ orderBy: { activatesAt: 'asc' } });
    return rows.map((r) => ({
      kid: r.kid,
      alg: r.alg as SigningAlgorithm,
      publicJwk: r.publicJwk as unknown as PublicJwk,
      sealed: { kekVersion: r.kekVersion, wrappedKey: Buffer.from(r.wrappedKey), ciphertext: Buffer.from(r.privateKey) },
      createdAt: r.createdAt,
      activatesAt: r.activatesAt,
      revokedAt: r.revokedAt,
    }));
  }

  async insert(key: StoredSigningKey): Promise<void> {
    await this.prisma.signingKey.create({
      data: {
        kid: key.kid,
        alg: key.alg,
        publicJwk: { ...key.publicJwk },
        kekVersion: key.sealed.kekVersion,
        wrappedKey: new Uint8Array(key.sealed.wrappedKey),
        privateKey: new Uint8Array(key.sealed.ciphertext),
        createdAt: key.createdAt,
        activatesAt: key.activatesAt,
      },
    });
  }

  async revoke(kid: string, at: Date): Promise<boolean> {
    return (await this.prisma.signingKey.updateMany({ where: { kid, revokedAt: null }, data: { revokedAt: at } })).count > 0;
  }

  /** Creates the first key with `make` unless one exists; one replica wins, the others see it. */
  async ensureOne(make: () => Promise<StoredSigningKey>): Promise<boolean> {
    return this.transactions.run(async () => {
      await this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS.firstSigningKey})`;
      if ((await this.prisma.signingKey.count()) > 0) return false;
      await this.insert(await make());
      return true;
    });
  }
}
