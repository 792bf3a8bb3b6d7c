import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, Observable, mergeMap, catchError } from 'rxjs';
import { AuditService } from '../audit/audit.service';
import { requestContextOf } from '../audit/request-context';
import { principalOf } from '../auth/principal';
import { ProblemError } from '../http/problem';

/**
 * Every call made with an impersonation token is audited, reads included, so the viewer can see
 * what was done as them (`GET /users/me/impersonation-events`): the method, the route and its
 * parameters (ids, names, file paths; never a body), and how it ended. The record commits
 * before the answer leaves. Writes are also recorded by their own services, with both parties.
 */
@Injectable()
export class ImpersonatedRequestsInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (principalOf(request)?.via.kind !== 'impersonation') return next.handle();
    const record = (outcome: 'succeeded' | 'denied' | 'failed', reason?: string) =>
      this.audit.record(
        {
          action: 'impersonation.request',
          outcome,
          reason,
          details: { method: request.method, route: request.routeOptions.url, params: request.params ?? {} },
        },
        requestContextOf(request),
      );
    return next.handle().pipe(
      mergeMap((value) => from(record('succeeded').then(() => value))),
      catchError((error: unknown) =>
        from(
          record(...refusalOf(error)).then(() => {
            throw error;
          }),
        ),
      ),
    );
  }
}

function refusalOf(error: unknown): ['denied' | 'failed', string] {
  if (error instanceof ProblemError) return [error.status === 403 || error.status === 404 ? 'denied' : 'failed', error.code];
  return ['failed', 'internal'];
}
