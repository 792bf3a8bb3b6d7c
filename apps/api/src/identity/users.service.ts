import { Inject, Injectable } from '@nestjs/common';
import type { Group, Page, User } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { changesBetween } from '../common/changes';
import { CLOCK, Clock } from '../kernel/clock';
import { decodeCursor, toPage } from '../kernel/pagination';
import { GroupRepository } from './group.repository';
import { CREDENTIAL_REVOKER, CredentialRevocationPort } from './credential-revocation.port';
import { PasswordHasher } from './password-hasher';
import { RUN_AUTHORITY, RunAuthorityPort } from './run-authority.port';
import { UserPatch, userNotFound, UserRepository } from './user.repository';

export interface CreateUserInput {
  login: string;
  displayName?: string;
  email?: string | null;
  status?: 'active' | 'disabled';
  password?: string;
}

export interface UpdateUserInput {
  displayName?: string;
  email?: string | null;
  status?: 'active' | 'disabled';
  /** null removes the password (no password login). */
  password?: string | null;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly hasher: PasswordHasher,
    @Inject(CREDENTIAL_REVOKER) private readonly revoker: CredentialRevocationPort,
    private readonly audit: AuditService,
    @Inject(RUN_AUTHORITY) private readonly runs: RunAuthorityPort,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(input: CreateUserInput, ctx: RequestContext): Promise<User> {
    const user = await this.users.create({
      login: input.login,
      displayName: input.displayName ?? input.login,
      email: input.email ?? null,
      status: input.status ?? 'active',
      passwordHash: input.password ? await this.hasher.hash(input.password) : null,
    });
    await this.audit.record(
      {
        action: 'user.create',
        outcome: 'succeeded',
        target: { type: 'user', id: user.id },
        details: { login: user.login, displayName: user.displayName, email: user.email, status: user.status, hasPassword: user.hasPassword },
      },
      ctx,
    );
    return user;
  }

  async get(id: string): Promise<User> {
    const user = await this.users.get(id);
    if (!user) throw userNotFound(id);
    return user;
  }

  /** The groups a user belongs to, by name (404 for an unknown user). */
  async groupsOf(id: string, limit: number, cursor: string | undefined): Promise<Page<Group>> {
    await this.get(id);
    const [afterName] = decodeCursor(cursor, ['text']) ?? [];
    return toPage(
      await this.groups.groupsOf(id, afterName, limit + 1),
      limit,
      (g) => g,
      (g) => [g.name],
    );
  }

  async list(q: string | undefined, limit: number, cursor: string | undefined): Promise<Page<User>> {
    const [afterLogin] = decodeCursor(cursor, ['text']) ?? [];
    const rows = await this.users.list(q, afterLogin, limit + 1);
    return toPage(
      rows,
      limit,
      (u) => u,
      (u) => [u.login],
    );
  }

  /**
   * Updates a user. A new (or removed) password or a disabled status ends every session and
   * revokes every API key in the same transaction; disabling the last active admin is a 409. A
   * password reset (account recovery) also stops every run the user started or runs as, and
   * disabling stops every run whose authority depended on them.
   */
  async update(id: string, input: UpdateUserInput, ctx: RequestContext): Promise<User> {
    const before = await this.get(id);
    const patch: UserPatch = {
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.password !== undefined ? { passwordHash: input.password === null ? null : await this.hasher.hash(input.password) } : {}),
    };
    const endsCredentials = input.password !== undefined || (input.status === 'disabled' && before.status !== 'disabled');
    const { user, revoked } = await this.groups.preservingAnAdmin(async () => {
      const user = await this.users.update(id, patch);
      const revoked = endsCredentials ? await this.revoker.revokeAll(id, this.clock.now()) : undefined;
      return { user, revoked };
    }, 'The user cannot be disabled');
    const changes = changesBetween(before, user, ['displayName', 'email', 'status']);
    await this.audit.record(
      {
        action: 'user.update',
        outcome: 'succeeded',
        target: { type: 'user', id },
        details: {
          login: user.login,
          changes,
          ...(input.password !== undefined ? { passwordChanged: input.password === null ? 'removed' : 'set' } : {}),
          ...(revoked ? { endedSessions: revoked.sessions, revokedApiKeys: revoked.apiKeys } : {}),
        },
      },
      ctx,
    );
    if (input.password !== undefined) await this.runs.stopRunsOf(id, 'password_reset', ctx);
    if (input.status === 'disabled') await this.runs.reconcile({ userIds: [id] }, ctx);
    return user;
  }

  /** Deletes a user with their memberships, sessions and API keys. Audit records keep id and login. */
  async delete(id: string, ctx: RequestContext): Promise<void> {
    const user = await this.groups.preservingAnAdmin(() => this.users.delete(id), 'The user cannot be deleted');
    await this.audit.record({ action: 'user.delete', outcome: 'succeeded', target: { type: 'user', id }, details: { login: user.login } }, ctx);
    await this.runs.reconcile({ userIds: [id] }, ctx);
  }
}
