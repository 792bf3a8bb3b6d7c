import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { OAuthError as OAuthErrorBody } from '@behalf/contracts';
import type { FastifyReply } from 'fastify';
import { OAuthError } from './oauth-error';

/** Token responses, answers and errors alike, are never cached (RFC 6749 §5.1). */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * The token endpoint's errors as RFC 6749 §5.2 JSON (not problems: OAuth clients expect `error`
 * and `error_description`), with Retry-After when rate-limited. Anything else thrown there is the
 * global problem filter's.
 */
@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter<OAuthError> {
  catch(error: OAuthError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.headers(NO_STORE);
    if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    const body: OAuthErrorBody = { error: error.error, error_description: error.description, reason: error.code };
    void reply.status(error.status).type('application/json; charset=utf-8').send(body);
  }
}
