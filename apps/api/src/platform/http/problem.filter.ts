import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { internalProblem, problemBody, sendProblem } from '@behalf/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { classifyError } from './to-problem';

/**
 * Writes `error` as an RFC 9457 problem. The one place where errors become HTTP responses, used
 * by the Nest exception filter and by Fastify's error handler (errors raised before routing).
 * What the API knows of errors (its domain errors, the database's, Fastify's) is `classifyError`'s;
 * the answer's form is the shared server library's, which the gateway uses too.
 */
export function replyWithProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const problem = classifyError(error);
  if (problem === null) {
    // Never echo the cause: it may hold internals. Log it with the request id instead.
    request.log.error({ err: error }, 'unhandled error while serving request');
    sendProblem(reply, internalProblem(request.id));
    return;
  }
  sendProblem(reply, problemBody(problem.code, problem.detail, request.id, problem.errors), problem.headers);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    replyWithProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
