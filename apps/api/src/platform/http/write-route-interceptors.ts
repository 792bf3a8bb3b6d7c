import { CallHandler, ExecutionContext, INestApplication, NestInterceptor, RequestMethod, Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Observable } from 'rxjs';
import { LEAVES_POLICY_UNCHANGED, LocalWritesInterceptor } from '../cache/local-writes.interceptor';
import { OWN_TRANSACTIONS, TransactionInterceptor } from '../database/transaction.interceptor';

const WRITES = new Set([RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE]);

/** The request property (decorated per Fastify instance) holding that application's write interceptors. */
const APP_WRITE_INTERCEPTORS = 'behalfWriteInterceptors';

interface WriteInterceptors {
  localWrites: LocalWritesInterceptor;
  transaction: TransactionInterceptor;
}

/**
 * What route metadata names: one object per kind for the whole process, since metadata lives on
 * controller classes that several applications in one process (tests, replicas) share. Each call
 * runs the interceptor of the application serving the request; a request without one fails
 * rather than run a write outside its transaction.
 */
class WriteRouteInterceptor implements NestInterceptor {
  constructor(readonly kind: keyof WriteInterceptors) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const own = context.switchToHttp().getRequest<Record<string, WriteInterceptors | undefined>>()[APP_WRITE_INTERCEPTORS];
    if (!own) throw new Error('a write route ran on an application without its write interceptors');
    return own[this.kind].intercept(context, next);
  }
}

const LOCAL_WRITES = new WriteRouteInterceptor('localWrites');
const TRANSACTION = new WriteRouteInterceptor('transaction');

/** One route handler of the application: its controller, the method and its HTTP verb. */
export interface RouteHandler {
  controller: Type;
  handler: object;
  method: RequestMethod;
}

/** Every route handler of every controller the application holds (before or after `init`). */
export function routeHandlers(app: INestApplication): RouteHandler[] {
  const found: RouteHandler[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method !== undefined) found.push({ controller, handler, method });
      }
    }
  }
  return found;
}

/**
 * Gives every write route, before the router is built, the interceptors that used to run globally
 * on every request: the local cache bump after a write (unless `@LeavesPolicyUnchanged()`), outside
 * the one transaction around it (unless `@OwnTransactions(why)`). Deny by default still: a write
 * route gets both unless it declares otherwise. Reads, and the hot writes that declare both (the
 * token exchange, runtime calls), then run with no interceptor at all: Nest's interceptor chain
 * costs an rxjs pipeline and an `AsyncResource.bind` per level on every request, and on Node 20
 * each bind builds deprecation wrappers (about a tenth of a `GET /healthz`'s CPU, measured).
 * @returns how many routes have write interceptors
 */
export function attachWriteInterceptors(app: INestApplication, fastify: FastifyInstance): number {
  const own: WriteInterceptors = { localWrites: app.get(LocalWritesInterceptor), transaction: app.get(TransactionInterceptor) };
  fastify.decorateRequest(APP_WRITE_INTERCEPTORS, { getter: () => own });
  const reflector = new Reflector();
  let attached = 0;
  for (const { controller, handler, method } of routeHandlers(app)) {
    if (!WRITES.has(method)) continue;
    const declares = (key: string) => reflector.getAllAndOverride<boolean>(key, [handler as () => unknown, controller]) === true;
    const wanted = [...(declares(LEAVES_POLICY_UNCHANGED) ? [] : [LOCAL_WRITES]), ...(declares(OWN_TRANSACTIONS) ? [] : [TRANSACTION])];
    if (wanted.length === 0) continue;
    attached += 1;
    const current = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [];
    // Another application in this process may have attached them already.
    if (current.includes(wanted[0])) continue;
    Reflect.defineMetadata(INTERCEPTORS_METADATA, [...wanted, ...current], handler);
  }
  return attached;
}
