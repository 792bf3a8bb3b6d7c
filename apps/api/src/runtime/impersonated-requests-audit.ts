import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { AuditService } from '../audit/audit.service';
import { requestContextOf } from '../kernel/request-context';
import { principalOf } from '../kernel/principal';

/**
 * Every call made with an impersonation token is audited, reads included, so the viewer can see
 * what was done as them (`GET /users/me/impersonation-events`): the method, the route and its
 * parameters (ids, names, file paths; never a body), and the status it got. The record commits
 * before the answer leaves. Writes are also recorded by their own services, with both parties.
 *
 * A Fastify `onSend` hook rather than a Nest interceptor, so it sees every answer with its final
 * status, refusals by the guard included, and costs other requests one property check.
 */
@Injectable()
export class ImpersonatedRequestsAudit {
  constructor(private readonly audit: AuditService) {}

  attach(fastify: FastifyInstance): void {
    // Callback style: the other requests pass with one synchronous check, no promise.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (principalOf(request)?.via.kind !== 'impersonation') {
        done(null, payload);
        return;
      }
      const status = reply.statusCode;
      this.audit
        .record(
          {
            action: 'impersonation.request',
            outcome: status < 400 ? 'succeeded' : status === 401 || status === 403 || status === 404 ? 'denied' : 'failed',
            reason: status < 400 ? undefined : `status_${status}`,
            details: { method: request.method, route: request.routeOptions.url, params: request.params ?? {}, status },
          },
          requestContextOf(request),
        )
        .then(
          () => done(null, payload),
          (error: unknown) => done(error as Error),
        );
    });
  }
}
