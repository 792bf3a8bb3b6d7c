import { Inject, Injectable } from '@nestjs/common';
import type { Page, SecretNameRequest } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { CLOCK, Clock } from '../kernel/clock';
import { decodeCursor, toPage } from '../kernel/pagination';
import { ProblemError } from '../kernel/problem';
import { AuthenticatedContext, WebappsService } from './webapps.service';
import { SecretNameRequestRepository } from './secret-name-request.repository';

const noRequest = () => new ProblemError('not-found', 'This webapp has no pending secret-name request.');

/**
 * Secret-name requests: only admins widen the secret names a webapp may receive, so a manager who
 * is no admin asks, and an admin approves (by widening `secretNames`, which settles the names it
 * covers) or declines. Every step is audited.
 */
@Injectable()
export class SecretNameRequestsService {
  constructor(
    private readonly webapps: WebappsService,
    private readonly requests: SecretNameRequestRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The webapp's pending request (for its managers), or 404. */
  async get(webappId: string, ctx: AuthenticatedContext): Promise<SecretNameRequest> {
    await this.webapps.authorize(webappId, ctx, 'manage');
    const request = await this.requests.get(webappId);
    if (!request) throw noRequest();
    return request;
  }

  /**
   * A manager asks for `names`. Only those the webapp may not receive yet are kept; the request
   * replaces an earlier one. Asking for nothing new is a 409 that says so.
   */
  async ask(webappId: string, names: string[], ctx: AuthenticatedContext): Promise<SecretNameRequest> {
    const webapp = await this.webapps.authorize(webappId, ctx, 'manage');
    const approved = webapp.settings.secretNames;
    const wanted = approved === null ? [] : [...new Set(names)].filter((n) => !approved.includes(n)).sort();
    if (wanted.length === 0) throw new ProblemError('conflict', 'The webapp may already receive every one of these secrets: there is nothing to ask for.');
    const request = await this.requests.put(webappId, wanted, { id: ctx.principal.userId, login: ctx.principal.login }, this.clock.now());
    await this.audit.record(
      { action: 'webapp.secret_names.request', outcome: 'succeeded', target: { type: 'webapp', id: webappId }, webappId, details: { names: wanted } },
      ctx,
    );
    return request;
  }

  /** Declines (an admin) or withdraws (a manager) the pending request. */
  async decline(webappId: string, ctx: AuthenticatedContext): Promise<void> {
    await this.webapps.authorize(webappId, ctx, 'manage');
    const request = await this.requests.get(webappId);
    if (!request || !(await this.requests.delete(webappId))) throw noRequest();
    await this.audit.record(
      { action: 'webapp.secret_names.decline', outcome: 'succeeded', target: { type: 'webapp', id: webappId }, webappId, details: { names: request.names } },
      ctx,
    );
  }

  /** Every pending request, oldest first (admins). */
  async list(limit: number, cursor: string | undefined): Promise<Page<SecretNameRequest>> {
    const key = decodeCursor(cursor, ['timestamp', 'uuid']);
    return toPage(
      await this.requests.list(key ? [new Date(key[0]), key[1]] : undefined, limit + 1),
      limit,
      (r) => r,
      (r) => [r.requestedAt, r.webappId],
    );
  }
}
