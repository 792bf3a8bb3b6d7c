import { HttpStatus } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { IS_PUBLIC } from './public.decorator';

const SERVED_BY_FASTIFY = 'behalf:served-by-fastify';

/**
 * Serves a public route's answer straight from Fastify, outside Nest's pipeline (guard, router
 * proxy, response controller): for routes that need none of it, such as the liveness probe, which
 * orchestrators and load balancers call many times a second. Everything registered on Fastify still
 * applies: the request id, the request logger, metrics, the problem answers of its error handler.
 *
 * The route keeps its Nest declaration, so OpenAPI and the permission map still come from its
 * decorators. The method must answer from nothing: no arguments, no `this` (no injected service),
 * a 200. The adapter enforces what it can at start-up: the route must be `@Public()` (the global
 * guard is not on this path), take no parameters and keep the default status.
 */
export function ServedByFastify<T>(): (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<() => T>) => void {
  return (_target, _key, descriptor) => {
    if (descriptor.value) Reflect.defineMetadata(SERVED_BY_FASTIFY, descriptor.value, descriptor.value);
  };
}

/**
 * The plain Fastify handler for a route Nest is registering, if its method says `@ServedByFastify()`
 * (Nest copies a method's metadata onto the handler it registers); else undefined. Throws at
 * start-up if the route does not meet the conditions above.
 */
export function fastifyHandlerOf(nestHandler: unknown, url: string): (() => unknown) | undefined {
  if (typeof nestHandler !== 'function') return undefined;
  const answer = Reflect.getMetadata(SERVED_BY_FASTIFY, nestHandler) as (() => unknown) | undefined;
  if (!answer) return undefined;
  const why =
    Reflect.getMetadata(IS_PUBLIC, nestHandler) !== true
      ? 'it is not @Public() and the global guard does not run there'
      : answer.length !== 0
        ? 'its method takes parameters'
        : (Reflect.getMetadata(HTTP_CODE_METADATA, nestHandler) ?? HttpStatus.OK) !== HttpStatus.OK
          ? 'it declares a status other than 200'
          : undefined;
  if (why) throw new Error(`${url} cannot be served by Fastify: ${why}.`);
  return function servedByFastify(): unknown {
    return answer();
  };
}
