import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ApiKey, CreatedApiKey, Page, RefusalCode } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { CLOCK, Clock } from '../kernel/clock';
import { randomSecret, sha256Hex } from '../common/hashing';
import { decodeCursor, toPage } from '../kernel/pagination';
import { ProblemError } from '../kernel/problem';
import { constantTimeEqual } from '@behalf/server';
import { apiKeyPrefix, formatApiKey, parseApiKey } from './api-key-format';
import { ApiKeyRepository } from './api-key.repository';
import { TOUCH_INTERVAL_MS } from './auth.config';
import { hasPermission, isTokenPrincipal, Principal } from '../kernel/principal';
import { principalFor } from './principal-of-user';

/** Why an API key does not hold (codes of the catalogue). */
export type ApiKeyRefusal = Extract<RefusalCode, 'malformed_api_key' | 'unknown_api_key' | 'api_key_revoked' | 'api_key_expired' | 'user_disabled'>;

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(name: string, expiresAt: Date | undefined, ctx: RequestContext & { principal: Principal }): Promise<CreatedApiKey> {
    // A token lives minutes and dies with its run or grant: it must not mint a lasting credential.
    if (isTokenPrincipal(ctx.principal)) {
      await this.audit.record(
        { action: 'access.denied', outcome: 'denied', reason: 'token_cannot_mint_api_key', details: { credential: ctx.principal.via.kind } },
        ctx,
      );
      throw new ProblemError('forbidden', 'API keys are created from a session or with another API key, never with a webapp’s token.');
    }
    const now = this.clock.now();
    if (expiresAt && expiresAt <= now) {
      throw new ProblemError('validation-failed', 'The request body is invalid.', [{ path: 'body.expiresAt', message: 'expected a time in the future' }]);
    }
    const id = randomUUID();
    const secret = randomSecret();
    const key = await this.keys.create({
      id,
      name,
      userId: ctx.principal.userId,
      secretHash: sha256Hex(secret),
      prefix: apiKeyPrefix(id),
      createdAt: now,
      expiresAt: expiresAt ?? null,
    });
    await this.audit.record(
      { action: 'api_key.create', outcome: 'succeeded', target: { type: 'api_key', id }, details: { name, expiresAt: key.expiresAt } },
      ctx,
    );
    return { ...key, key: formatApiKey(id, secret) };
  }

  /** The caller's keys, or (admins only) another user's or everyone's (`userId: '*'`). */
  async list(principal: Principal, userId: string | undefined, limit: number, cursor: string | undefined): Promise<Page<ApiKey>> {
    const target = userId ?? principal.userId;
    if (target !== principal.userId && !hasPermission(principal, 'admin')) {
      throw new ProblemError('forbidden', "Only admins may list other users' API keys.");
    }
    const after = decodeCursor(cursor, ['timestamp', 'uuid']);
    const afterKey = after ? { createdAt: new Date(after[0]), id: after[1] } : undefined;
    const rows = await this.keys.list(target === '*' ? undefined : target, afterKey, limit + 1);
    return toPage(
      rows,
      limit,
      (k) => k,
      (k) => [k.createdAt, k.id],
    );
  }

  /** Revokes a key of the caller's (or any, for admins). Idempotent; 404 when not visible. */
  async revoke(id: string, ctx: RequestContext & { principal: Principal }): Promise<void> {
    const key = await this.keys.get(id);
    if (!key || (key.userId !== ctx.principal.userId && !hasPermission(ctx.principal, 'admin'))) {
      throw new ProblemError('not-found', `No API key has id ${id}.`);
    }
    if (await this.keys.revoke(id, this.clock.now())) {
      await this.audit.record({ action: 'api_key.revoke', outcome: 'succeeded', target: { type: 'api_key', id }, details: { ownerUserId: key.userId } }, ctx);
    }
  }

  /** The principal of a presented key, or why it is refused. */
  async authenticate(presented: string): Promise<Principal | { refused: ApiKeyRefusal; keyId?: string }> {
    const parsed = parseApiKey(presented);
    if (!parsed) return { refused: 'malformed_api_key' };
    const key = await this.keys.findForAuthentication(parsed.id);
    // Compare even when the key is unknown, so timing does not tell which ids exist.
    const matches = constantTimeEqual(sha256Hex(parsed.secret), key?.secretHash ?? '0'.repeat(64));
    if (!key || !matches) return { refused: 'unknown_api_key' };
    const now = this.clock.now();
    if (key.revokedAt) return { refused: 'api_key_revoked', keyId: key.id };
    if (key.expiresAt && key.expiresAt <= now) return { refused: 'api_key_expired', keyId: key.id };
    if (!key.user.active) return { refused: 'user_disabled', keyId: key.id };
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) await this.keys.touch(key.id, now);
    return principalFor(key.user, { kind: 'api_key', apiKeyId: key.id });
  }
}
