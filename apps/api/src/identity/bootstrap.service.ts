import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { Transactions } from '../platform/database/transactions';
import { randomSecret } from '../common/hashing';
import { CONFIG, Config } from '../platform/config/config';
import { PrismaService } from '../platform/database/prisma.service';
import { LOGGER } from '../platform/logging/logger.token';
import type { Logger } from '@behalf/server';
import { GroupRepository } from './group.repository';
import { PasswordHasher } from './password-hasher';
import { UserRepository } from './user.repository';

export const ADMIN_GROUP = 'admins';
export const ADMIN_LOGIN = 'admin';
/** Users the system creates for its own processes, not people. */
export const SERVICE_PRINCIPAL_LOGINS = { gateway: 'gateway' } as const;

/**
 * First start (no user at all): creates the `admins` group and the `admin` user in it. The
 * password is BEHALF_ADMIN_PASSWORD, or generated and printed once to the console, never logged.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly transactions: Transactions,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? randomSecret().slice(0, 24);
    const passwordHash = await this.hasher.hash(password);
    // The admin and its record commit together (the record goes to the audit outbox).
    const created = await this.transactions.run(async () => {
      await this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS.bootstrapAdmin})`;
      // The gateway's service principal may be provisioned first: it is no person.
      if ((await this.users.count([SERVICE_PRINCIPAL_LOGINS.gateway])) > 0) return undefined;
      const group =
        (await this.groups.findByName(ADMIN_GROUP)) ??
        (await this.groups.create({ name: ADMIN_GROUP, description: 'Behalf administrators', permissions: { admin: true } }));
      const user = await this.users.create({ login: ADMIN_LOGIN, displayName: 'Administrator', email: null, status: 'active', passwordHash });
      await this.groups.addMember(group.id, user.id);
      await this.audit.record({
        action: 'bootstrap.admin',
        outcome: 'succeeded',
        actor: { userId: null, login: 'system' },
        target: { type: 'user', id: user.id },
        details: { login: ADMIN_LOGIN, group: ADMIN_GROUP, passwordSource: generated ? 'generated' : 'BEHALF_ADMIN_PASSWORD' },
      });
      return { user, group };
    });
    if (!created) return;
    this.logger.info({ login: ADMIN_LOGIN, group: ADMIN_GROUP }, 'first start: created the admin user');
    if (generated) {
      // Straight to the console, not through the logger: it must not reach log storage.
      process.stdout.write(
        `\n  Behalf first start: user "${ADMIN_LOGIN}" created, password: ${password}\n` +
          '  It is shown this once. Log in and change it, or set BEHALF_ADMIN_PASSWORD before the first start.\n\n',
      );
    }
  }
}
