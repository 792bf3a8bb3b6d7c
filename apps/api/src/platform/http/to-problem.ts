import { HttpException } from '@nestjs/common';
import { ProblemCode } from '@behalf/contracts';
import { isConcurrentUpdateConflict, isDatabaseUnavailable } from '../database/prisma-errors';
import { DomainError } from '../../kernel/domain-error';
import { ProblemError } from '../../kernel/problem';

/** How long a client should wait before retrying when the database did not answer. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Classifies anything thrown while serving a request. Returns `null` for what is not the caller's
 * fault: those become a 500 whose body says nothing about the cause (the cause is logged).
 *
 * Fastify raises its own errors before a route handler runs (body parsing, size, media type);
 * they are recognised by their stable `code`, never by their message.
 */
/** The longest path parameter the router accepts (Fastify's default, 100, is too short for names). */
export const MAX_PARAM_LENGTH = 2048;

export function classifyError(error: unknown): ProblemError | null {
  if (error instanceof ProblemError) return error;
  if (error instanceof DomainError) return new ProblemError(error.kind === 'not_found' ? 'not-found' : 'conflict', error.detail);
  if (error instanceof HttpException) return fromHttpException(error);
  if (typeof error !== 'object' || error === null) return null;
  if (isDatabaseUnavailable(error)) {
    return new ProblemError('service-unavailable', 'The database did not answer in time: try again shortly.', undefined, {
      'retry-after': String(DATABASE_RETRY_AFTER_SECONDS),
    });
  }
  if (isConcurrentUpdateConflict(error)) return new ProblemError('conflict', 'A concurrent change conflicted with this one: send it again.');
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError('unsupported-media-type', 'This endpoint does not accept that Content-Type.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ProblemError('bad-request', 'The Content-Length header does not match the body.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ProblemError('payload-too-large', 'The request body is larger than this server accepts.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ProblemError('malformed-body', 'The Content-Type is application/json but the body is empty.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ProblemError('malformed-body', 'The request body is not valid JSON.');
    case 'FST_ERR_BAD_URL':
      return new ProblemError('bad-request', 'The request URL is malformed (bad percent-encoding?).');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ProblemError('bad-request', `A path segment of the URL is longer than ${MAX_PARAM_LENGTH} characters.`);
  }
  // Fastify's JSON parser reports syntax errors as a SyntaxError carrying statusCode 400.
  if (error instanceof SyntaxError && statusCode === 400) {
    return new ProblemError('malformed-body', 'The request body is not valid JSON.');
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new ProblemError(codeForStatus(statusCode), 'The request could not be processed as sent.');
  }
  return null;
}

function fromHttpException(error: HttpException): ProblemError | null {
  const status = error.getStatus();
  if (status >= 500) return null;
  return new ProblemError(codeForStatus(status), error.message);
}

function codeForStatus(status: number): ProblemCode {
  switch (status) {
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    case 429:
      return 'too-many-requests';
    default:
      return 'bad-request';
  }
}
