import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { ChangeFeed } from './change-feed.service';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * After a write this process served succeeds (its transaction committed), caches here move to a
 * new generation at once, without waiting for PostgreSQL's notification to come back: a client
 * that changed something and then asks this same replica sees its change.
 */
@Injectable()
export class LocalWritesInterceptor implements NestInterceptor {
  constructor(private readonly feed: ChangeFeed) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const method = context.switchToHttp().getRequest<FastifyRequest>().method;
    if (READS.has(method)) return next.handle();
    return next.handle().pipe(tap({ next: () => this.feed.bump(), error: () => this.feed.bump() }));
  }
}
