import { PROBLEM_CONTENT_TYPE, PROBLEM_KINDS, PROBLEM_TYPE_BASE, Problem, ProblemCode, ProblemFieldError } from '@behalf/contracts';
import type { FastifyReply } from 'fastify';

/** Builds the RFC 9457 problem body for `code`; `instance` carries the request id. */
export function problemBody(code: ProblemCode, detail: string, requestId?: string, errors?: ProblemFieldError[]): Problem {
  const kind = PROBLEM_KINDS[code];
  return {
    type: PROBLEM_TYPE_BASE + code,
    title: kind.title,
    status: kind.status,
    detail,
    ...(requestId ? { instance: `urn:behalf:request:${requestId}` } : {}),
    ...(errors ? { errors } : {}),
  };
}

/** The body for a fault that is not the caller's: it never echoes the cause (log that with the request id). */
export function internalProblem(requestId?: string): Problem {
  return problemBody('internal', 'An unexpected error occurred. Quote the request id when reporting it.', requestId);
}

/** Sends `problem` as `application/problem+json` with its status, unless an answer already left. */
export function sendProblem(reply: FastifyReply, problem: Problem, headers?: Record<string, string>): void {
  if (reply.sent) return;
  if (headers) void reply.headers(headers);
  void reply.code(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}
