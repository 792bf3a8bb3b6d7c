import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtension, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { AuthInfo, IssuedIdentityToken } from '@behalf/contracts';
import { API_AUDIENCE, TOKEN_EXCHANGE } from '@behalf/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { Public } from '../platform/http/public.decorator';
import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { FORM_BODY, FormParams } from '../platform/http/form-body';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { authInfoSchema, issuedIdentityTokenSchema, oauthErrorSchema, tokenExchangeResponseSchema } from './runtime.schemas';
import { ValidBody } from '../platform/http/zod-validation';
import { RuntimeService } from './runtime.service';
import { OAuthFailure, TokenExchangeService } from './token-exchange.service';

const headerValue = z.union([z.string(), z.array(z.string())], { error: 'expected a string or an array of strings' });
const browserHeaders = z.record(z.string(), headerValue, { error: 'expected the browser request’s headers, as an object' });

export const authInfoBody = z.strictObject({
  headers: browserHeaders,
  withSecrets: z.boolean({ error: 'expected true or false' }).optional(),
});
export const identityTokenBody = z.strictObject({ headers: browserHeaders });

@ApiTags('runtime')
@Controller('api/v1/runtime')
// Webapp backends alone, with their run's backend token.
@Authenticated({ credentials: ['backend_token'] })
@ApiExtension('x-behalf-credential', 'backend token')
// Reads, audited: nothing a cached decision depends on changes.
@LeavesPolicyUnchanged()
export class RuntimeController {
  constructor(private readonly runtime: RuntimeService) {}

  @Post('auth-info')
  @OwnTransactions('a hot path that changes nothing but the audit log')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Who is viewing, from the browser request’s headers (session cookie or identity token); with withSecrets, their secrets the webapp may receive. Backend tokens only.',
  })
  @ApiJsonResponse(200, authInfoSchema, 'The viewer, or Anonymous on a public webapp.')
  @ApiProblems('validation-failed', 'viewer-unauthenticated', 'viewer-forbidden', 'not-found')
  authInfo(@ValidBody(authInfoBody) body: z.infer<typeof authInfoBody>, @Ctx() ctx: RequestContext): Promise<AuthInfo> {
    return this.runtime.authInfo(body.headers, body.withSecrets ?? false, ctx);
  }

  @Post('identity-token')
  @OwnTransactions('a hot path that changes nothing but the audit log')
  @HttpCode(200)
  @ApiOperation({ summary: 'A short-lived identity token (typ behalf-id+jwt, aud webapp:<id>) for the viewer of the browser request. Backend tokens only.' })
  @ApiJsonResponse(200, issuedIdentityTokenSchema, 'The token and when it expires.')
  @ApiProblems('validation-failed', 'viewer-unauthenticated', 'viewer-forbidden', 'not-found')
  identityToken(@ValidBody(identityTokenBody) body: z.infer<typeof identityTokenBody>, @Ctx() ctx: RequestContext): Promise<IssuedIdentityToken> {
    return this.runtime.identityToken(body.headers, ctx);
  }
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

@ApiTags('oauth')
@Controller('oauth')
// The client authenticates with its actor token, in the body.
@Public()
@LeavesPolicyUnchanged()
export class OAuthController {
  constructor(private readonly exchange: TokenExchangeService) {}

  @Post('token')
  @OwnTransactions('a hot path that changes nothing but the audit log, whose refusals must persist')
  @RouteConfig({ [FORM_BODY]: true })
  @ApiOperation({
    summary: `RFC 8693 token exchange (grant_type ${TOKEN_EXCHANGE.grantType}): a viewer's identity token or session (subject_token) and the run's backend token (actor_token) for an impersonation access token.`,
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    required: true,
    schema: {
      type: 'object',
      required: ['grant_type', 'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type'],
      properties: {
        grant_type: { type: 'string', enum: [TOKEN_EXCHANGE.grantType] },
        subject_token: { type: 'string', description: "the viewer's identity token, or their behalf_session cookie value" },
        subject_token_type: { type: 'string', enum: [TOKEN_EXCHANGE.jwtTokenType, TOKEN_EXCHANGE.sessionTokenType] },
        actor_token: { type: 'string', description: "the run's backend token" },
        actor_token_type: { type: 'string', enum: [TOKEN_EXCHANGE.jwtTokenType] },
        requested_token_type: { type: 'string', enum: [TOKEN_EXCHANGE.accessTokenType] },
        audience: { type: 'string', enum: [API_AUDIENCE] },
        resource: { type: 'string', description: 'the issuer URL, if sent' },
      },
    },
  })
  @ApiProduces('application/json')
  @ApiJsonResponse(200, tokenExchangeResponseSchema, 'The impersonation access token.')
  @ApiJsonResponse(
    400,
    oauthErrorSchema,
    'invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope or invalid_target (RFC 6749 §5.2).',
  )
  @ApiJsonResponse(403, oauthErrorSchema, 'access_denied: the impersonation policy refused.')
  @ApiJsonResponse(
    429,
    oauthErrorSchema,
    'temporarily_unavailable: the webapp run exchanges tokens faster than its rate limit (Retry-After says when to retry).',
  )
  async token(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Ctx() ctx: RequestContext): Promise<void> {
    void reply.headers(NO_STORE).type('application/json; charset=utf-8');
    try {
      if (!(request.body instanceof FormParams)) {
        throw new OAuthFailure('invalid_request', 'The token request must be sent as application/x-www-form-urlencoded (RFC 6749 §3.2).', 'not_a_form');
      }
      await reply.status(200).send(await this.exchange.exchange(request.body, ctx));
    } catch (error) {
      if (!(error instanceof OAuthFailure)) throw error;
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      await reply.status(error.status).send({ error: error.error, error_description: error.description });
    }
  }
}
