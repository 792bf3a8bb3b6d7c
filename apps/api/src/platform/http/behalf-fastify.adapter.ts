import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { replyWithProblem } from './problem.filter';
import { fastifyHandlerOf } from './served-by-fastify.decorator';

/**
 * The Fastify adapter with our error handler in place of Nest's.
 *
 * Errors that Fastify raises before a route handler runs (body parsing, body size, media type)
 * go to Fastify's error handler, not through Nest's filters. Nest installs a handler there that
 * turns them into generic HttpExceptions and drops their stable `code`; ours classifies them by
 * that code into the right problem. Errors raised inside handlers, guards and pipes never come
 * here: Nest's router catches them and they reach the `ProblemFilter`, which shares this logic.
 *
 * A `GET` route whose method says `@ServedByFastify()` is registered with a plain handler in place
 * of Nest's.
 */
export class BehalfFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(): FastifyInstance {
    return this.getInstance().setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => replyWithProblem(error, request, reply));
  }

  override get(...args: unknown[]): FastifyInstance {
    const plain = args.length === 2 ? fastifyHandlerOf(args[1], String(args[0])) : undefined;
    return plain ? super.get(args[0], plain) : super.get(...args);
  }
}
