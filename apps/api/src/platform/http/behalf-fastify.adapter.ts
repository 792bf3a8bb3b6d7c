import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { replyWithProblem } from './problem.filter';

/**
 * The Fastify adapter with our error handler in place of Nest's.
 *
 * Errors that Fastify raises before a route handler runs (body parsing, body size, media type)
 * go to Fastify's error handler, not through Nest's filters. Nest installs a handler there that
 * turns them into generic HttpExceptions and drops their stable `code`; ours classifies them by
 * that code into the right problem. Errors raised inside handlers, guards and pipes never come
 * here: Nest's router catches them and they reach the `ProblemFilter`, which shares this logic.
 */
export class BehalfFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(): FastifyInstance {
    return this.getInstance().setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => replyWithProblem(error, request, reply));
  }
}
