import { Inject, Injectable } from '@nestjs/common';
import type { Page, SecretConsent } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedContext } from '../webapps/webapps.service';
import { CLOCK, Clock } from '../kernel/clock';
import { decodeCursor, toPage } from '../kernel/pagination';
import { ProblemError } from '../kernel/problem';
import { WebappsService } from '../webapps/webapps.service';
import { SecretConsentRepository } from './secret-consent.repository';

const noConsent = (webappId: string) => new ProblemError('not-found', `You have given webapp ${webappId} no consent.`);

/**
 * A user's consents: which of their secrets one webapp may receive. Consent is given for a
 * webapp the user may view, audited with the names, listable and revocable at any time.
 */
@Injectable()
export class SecretConsentsService {
  constructor(
    private readonly consents: SecretConsentRepository,
    private readonly webapps: WebappsService,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(ctx: AuthenticatedContext, limit: number, cursor: string | undefined): Promise<Page<SecretConsent>> {
    const [after] = decodeCursor(cursor, ['uuid']) ?? [];
    return toPage(
      await this.consents.list(ctx.principal.userId, after, limit + 1),
      limit,
      (c) => c,
      (c) => [c.webappId],
    );
  }

  async get(webappId: string, ctx: AuthenticatedContext): Promise<SecretConsent> {
    const consent = await this.consents.get(ctx.principal.userId, webappId);
    if (!consent) throw noConsent(webappId);
    return consent;
  }

  async put(webappId: string, names: string[], ctx: AuthenticatedContext): Promise<{ created: boolean; consent: SecretConsent }> {
    // A webapp the caller may not view is a 404, as everywhere.
    await this.webapps.authorize(webappId, ctx, 'view');
    const before = await this.consents.get(ctx.principal.userId, webappId);
    const consent = await this.consents.put(ctx.principal.userId, webappId, [...new Set(names)].sort(), this.clock.now());
    await this.audit.record(
      {
        action: 'secret.consent.set',
        outcome: 'succeeded',
        target: { type: 'user', id: ctx.principal.userId },
        webappId,
        details: { webapp: consent.webappName, names: consent.names, previously: before?.names ?? null },
      },
      ctx,
    );
    return { created: before === null, consent };
  }

  async revoke(webappId: string, ctx: AuthenticatedContext): Promise<void> {
    const removed = await this.consents.delete(ctx.principal.userId, webappId);
    if (!removed) throw noConsent(webappId);
    await this.audit.record(
      {
        action: 'secret.consent.revoke',
        outcome: 'succeeded',
        target: { type: 'user', id: ctx.principal.userId },
        webappId,
        details: { webapp: removed.webappName, names: removed.names },
      },
      ctx,
    );
  }
}
