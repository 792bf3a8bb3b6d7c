import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE } from '@behalf/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemBody } from '../../kernel/problem';
import { classifyError } from './to-problem';

/**
 * Writes `error` as an RFC 9457 problem. The one place where errors become HTTP responses, used
 * by the Nest exception filter and by Fastify's error handler (errors raised before routing).
 */
export function replyWithProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const problem = classifyError(error);
  if (problem === null) {
    // Never echo the cause: it may hold internals. Log it with the request id instead.
    request.log.error({ err: error }, 'unhandled error while serving request');
  }
  const body = problem
    ? problemBody(problem.code, problem.detail, request.id, problem.errors)
    : problemBody('internal', 'An unexpected error occurred. Quote the request id when reporting it.', request.id);
  if (reply.sent) return;
  if (problem?.headers) void reply.headers(problem.headers);
  void reply.code(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    replyWithProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
