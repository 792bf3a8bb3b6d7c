import { Injectable } from '@nestjs/common';
import type { SecretInfo } from '@behalf/contracts';
import type { Sealed } from '../crypto/envelope';
import { PrismaService } from '../platform/database/prisma.service';

@Injectable()
export class SecretRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates or replaces `name` of `userId` in one statement; says which it was. */
  async put(userId: string, name: string, sealed: Sealed, at: Date): Promise<{ created: boolean; secret: SecretInfo }> {
    const [row] = await this.prisma.$queryRaw<{ created: boolean; created_at: Date; updated_at: Date }[]>`
      INSERT INTO user_secrets (id, user_id, name, kek_version, wrapped_key, ciphertext, created_at, updated_at)
      VALUES (gen_random_uuid(), ${userId}::uuid, ${name}, ${sealed.kekVersion}, ${sealed.wrappedKey}, ${sealed.ciphertext}, ${at}, ${at})
      ON CONFLICT (user_id, name) DO UPDATE
        SET kek_version = EXCLUDED.kek_version, wrapped_key = EXCLUDED.wrapped_key, ciphertext = EXCLUDED.ciphertext, updated_at = EXCLUDED.updated_at
      RETURNING (xmax = 0) AS created, created_at, updated_at`;
    return { created: row.created, secret: { name, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() } };
  }

  /** By name. */
  async list(userId: string, afterName: string | undefined, take: number): Promise<SecretInfo[]> {
    const rows = await this.prisma.userSecret.findMany({
      where: { userId, ...(afterName !== undefined ? { name: { gt: afterName } } : {}) },
      orderBy: { name: 'asc' },
      take,
      select: { name: true, createdAt: true, updatedAt: true },
    });
    return rows.map((r) => ({ name: r.name, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() }));
  }

  async delete(userId: string, name: string): Promise<boolean> {
    return (await this.prisma.userSecret.deleteMany({ where: { userId, name } })).count > 0;
  }

  /** The sealed values of `userId`, all of them or only `names`. */
  async sealed(userId: string, names: string[] | null): Promise<{ name: string; sealed: Sealed }[]> {
    const rows = await this.prisma.userSecret.findMany({
      where: { userId, ...(names ? { name: { in: names } } : {}) },
      orderBy: { name: 'asc' },
      select: { name: true, kekVersion: true, wrappedKey: true, ciphertext: true },
    });
    return rows.map((r) => ({
      name: r.name,
      sealed: { kekVersion: r.kekVersion, wrappedKey: Buffer.from(r.wrappedKey), ciphertext: Buffer.from(r.ciphertext) },
    }));
  }
}
