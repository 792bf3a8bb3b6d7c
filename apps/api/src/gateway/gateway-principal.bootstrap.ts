import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constantTimeEqual, type Logger } from '@behalf/server';
import { AuditService } from '../audit/audit.service';
import { SERVICE_PRINCIPAL_LOGINS } from '../identity/bootstrap.service';
import { apiKeyPrefix, formatApiKey, parseApiKey } from '../auth/api-key-format';
import { randomSecret, sha256Hex } from '../common/hashing';
import { CLOCK, Clock } from '../kernel/clock';
import { CONFIG, Config } from '../platform/config/config';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { PrismaService } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import { LOGGER } from '../platform/logging/logger.token';
import { ApiKeyRepository } from '../auth/api-key.repository';
import { GroupRepository } from '../identity/group.repository';
import { UserRepository } from '../identity/user.repository';

export const GATEWAY_LOGIN = SERVICE_PRINCIPAL_LOGINS.gateway;
export const GATEWAY_GROUP = 'gateways';
/** Where a generated gateway key is written, inside the data directory, readable by its owner only. */
export const GATEWAY_KEY_FILE = 'gateway.key';

/**
 * Start-up, like the first admin: the gateway's service principal (user `gateway`, no password,
 * in group `gateways` holding permission `gateway` and nothing else) and the API key it calls the
 * API with. The key is BEHALF_GATEWAY_API_KEY when set (registered if new); otherwise one is
 * generated into `<data dir>/gateway.key` (mode 0600) for a gateway on the same machine, and a
 * new one replaces it when it was revoked, expired or lost. Never logged.
 */
@Injectable()
export class GatewayPrincipalBootstrap implements OnApplicationBootstrap {
  constructor(
    // For the advisory lock alone: the rows go through their repositories.
    private readonly prisma: PrismaService,
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = join(this.config.dataDir, GATEWAY_KEY_FILE);
    const wanted = this.config.gateway.apiKey ?? (await readFile(file, 'utf8').catch(() => undefined))?.trim();
    const generated = await this.transactions.run(async () => {
      await this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS.bootstrapGateway})`;
      const userId = await this.principal();
      const parsed = wanted === undefined ? null : parseApiKey(wanted);
      if (parsed) {
        const row = await this.apiKeys.findForAuthentication(parsed.id);
        const now = this.clock.now();
        if (
          row &&
          row.user.id === userId &&
          constantTimeEqual(row.secretHash, sha256Hex(parsed.secret)) &&
          !row.revokedAt &&
          !(row.expiresAt && row.expiresAt <= now)
        ) {
          return undefined;
        }
        if (!row && this.config.gateway.apiKey !== undefined) {
          await this.createKey(userId, parsed.id, parsed.secret, 'BEHALF_GATEWAY_API_KEY');
          return undefined;
        }
        if (this.config.gateway.apiKey !== undefined) {
          this.logger.error(
            'BEHALF_GATEWAY_API_KEY is not a live key of the gateway principal (revoked, expired or another user’s): the gateway cannot call the API',
          );
          return undefined;
        }
      }
      const id = randomUUID();
      const secret = randomSecret();
      await this.createKey(userId, id, secret, GATEWAY_KEY_FILE);
      return formatApiKey(id, secret);
    });
    if (generated) {
      await mkdir(this.config.dataDir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, `${generated}\n`, { mode: 0o600 });
      await rename(temporary, file);
      this.logger.info({ file }, 'gateway: wrote a new API key for the gateway principal');
    }
  }

  /** The gateway user's id, creating it and its group when missing (an admin may have disabled it: that stays). */
  private async principal(): Promise<string> {
    const existing = await this.users.findCredentials(GATEWAY_LOGIN);
    if (existing) return existing.id;
    const group =
      (await this.groups.findByName(GATEWAY_GROUP)) ??
      (await this.groups.create({ name: GATEWAY_GROUP, description: 'The webapp gateway’s service principal', permissions: { gateway: true } }));
    const user = await this.users.create({ login: GATEWAY_LOGIN, displayName: 'Webapp gateway', email: null, status: 'active', passwordHash: null });
    await this.groups.addMember(group.id, user.id);
    await this.audit.record({
      action: 'bootstrap.gateway',
      outcome: 'succeeded',
      actor: { userId: null, login: 'system' },
      target: { type: 'user', id: user.id },
      details: { login: GATEWAY_LOGIN, group: GATEWAY_GROUP },
    });
    return user.id;
  }

  private async createKey(userId: string, id: string, secret: string, source: string): Promise<void> {
    const now = this.clock.now();
    await this.apiKeys.create({
      id,
      name: `gateway (${source})`,
      userId,
      secretHash: sha256Hex(secret),
      prefix: apiKeyPrefix(id),
      createdAt: now,
      expiresAt: null,
    });
    await this.audit.record({
      action: 'api_key.create',
      outcome: 'succeeded',
      actor: { userId: null, login: 'system' },
      target: { type: 'api_key', id },
      details: { name: `gateway (${source})`, for: GATEWAY_LOGIN },
    });
  }
}
