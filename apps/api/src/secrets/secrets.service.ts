import { Inject, Injectable } from '@nestjs/common';
import type { Page, SecretInfo } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { CLOCK, Clock } from '../kernel/clock';
import { decodeCursor, toPage } from '../kernel/pagination';
import { KekVersionMissingError, open, seal } from '../crypto/envelope';
import type { KeyRing } from '../crypto/key-ring';
import { KEY_RING } from '../crypto/key-ring.provider';
import { userSecretContext } from './user-secret.sealed-store';
import { ProblemError } from '../kernel/problem';
import { userNotFound, UserRepository } from '../identity/user.repository';
import { SecretRepository } from './secret.repository';

export interface RevealedSecrets {
  secrets: { name: string; value: string }[];
  /** Secrets that would not open (a KEK missing from the ring, or a tampered row): never a value. */
  unreadable: { name: string; reason: 'kek_version_missing' | 'does_not_open' }[];
}

/**
 * Users' secrets: sealed on the way in, never returned by the API. Only {@link reveal} opens
 * them, for the runtime's auth info.
 */
@Injectable()
export class SecretsService {
  constructor(
    private readonly secrets: SecretRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    @Inject(KEY_RING) private readonly ring: KeyRing,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async put(owner: { id: string; login: string }, name: string, value: string, ctx: RequestContext): Promise<{ created: boolean; secret: SecretInfo }> {
    const sealed = seal(this.ring, Buffer.from(value, 'utf8'), userSecretContext(owner.id, name));
    const result = await this.secrets.put(owner.id, name, sealed, this.clock.now());
    await this.audit.record(
      {
        action: result.created ? 'secret.create' : 'secret.replace',
        outcome: 'succeeded',
        target: { type: 'user', id: owner.id },
        details: { name, owner: owner.login, kekVersion: sealed.kekVersion },
      },
      ctx,
    );
    return result;
  }

  async list(userId: string, limit: number, cursor: string | undefined): Promise<Page<SecretInfo>> {
    const [after] = decodeCursor(cursor, ['text']) ?? [];
    return toPage(
      await this.secrets.list(userId, after, limit + 1),
      limit,
      (s) => s,
      (s) => [s.name],
    );
  }

  /** Admins: the names of another user's secrets; 404 when there is no such user. */
  async listOf(userId: string, limit: number, cursor: string | undefined): Promise<Page<SecretInfo>> {
    if (!(await this.users.get(userId))) throw userNotFound(userId);
    return this.list(userId, limit, cursor);
  }

  async delete(userId: string, name: string, ctx: RequestContext): Promise<void> {
    const owner = await this.users.get(userId);
    if (!owner) throw userNotFound(userId);
    if (!(await this.secrets.delete(userId, name))) throw new ProblemError('not-found', `There is no secret named "${name}".`);
    await this.audit.record(
      { action: 'secret.delete', outcome: 'succeeded', target: { type: 'user', id: userId }, details: { name, owner: owner.login } },
      ctx,
    );
  }

  /** Opens `userId`'s secrets (all, or only `names`). The one way a value leaves the store. */
  async reveal(userId: string, names: string[] | null): Promise<RevealedSecrets> {
    const result: RevealedSecrets = { secrets: [], unreadable: [] };
    for (const { name, sealed } of await this.secrets.sealed(userId, names)) {
      try {
        result.secrets.push({ name, value: open(this.ring, sealed, userSecretContext(userId, name)).toString('utf8') });
      } catch (error) {
        result.unreadable.push({ name, reason: error instanceof KekVersionMissingError ? 'kek_version_missing' : 'does_not_open' });
      }
    }
    return result;
  }
}
