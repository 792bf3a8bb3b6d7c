import { Controller, Header, Headers, HttpCode, Post, UseFilters } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { TokenExchangeResponse } from '@behalf/contracts';
import { API_AUDIENCE, TOKEN_EXCHANGE } from '@behalf/contracts';
import { Ctx, RequestContext } from '../kernel/request-context';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { FORM_BODY, FormParams } from '../platform/http/form-body';
import { Public } from '../platform/http/public.decorator';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { NO_STORE, OAuthErrorFilter } from './oauth-error.filter';
import { oauthErrorSchema, tokenExchangeResponseSchema } from './oauth.schemas';
import { TokenExchangeService } from './token-exchange.service';
import { AuthorizationCodes, GatewayTokenResponse } from './authorization-code.service';
import { TokenForm } from './token-request.form';

/** `POST /oauth/token`: the RFC 8693 token exchange; its errors are RFC 6749's, written by {@link OAuthErrorFilter}. */
@ApiTags('oauth')
@Controller('oauth')
// The client authenticates with its actor token, in the body.
@Public()
@LeavesPolicyUnchanged()
export class OAuthController {
  constructor(
    private readonly exchange: TokenExchangeService,
    private readonly codes: AuthorizationCodes,
  ) {}

  @Post('token')
  @HttpCode(200)
  @Header('cache-control', NO_STORE['cache-control'])
  @Header('pragma', NO_STORE.pragma)
  @UseFilters(OAuthErrorFilter)
  @OwnTransactions('a hot path that changes nothing but the audit log, whose refusals must persist')
  @RouteConfig({ [FORM_BODY]: true })
  @ApiOperation({
    summary: `RFC 8693 token exchange (grant_type ${TOKEN_EXCHANGE.grantType}): a viewer's identity token or session (subject_token) and the run's backend token (actor_token) for an impersonation access token. For the gateway alone, grant_type authorization_code (HTTP Basic: behalf-gateway and its API key; code, redirect_uri, code_verifier) for a gateway session token.`,
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    required: true,
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: [TOKEN_EXCHANGE.grantType, 'authorization_code'] },
        code: { type: 'string', description: 'authorization_code: the code' },
        redirect_uri: { type: 'string', description: 'authorization_code: as in the authorization request' },
        code_verifier: { type: 'string', description: 'authorization_code: the PKCE verifier' },
        subject_token: { type: 'string', description: "the viewer's identity token, or their session cookie’s value" },
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
  token(
    @TokenForm() form: FormParams,
    @Headers('authorization') authorization: string | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<TokenExchangeResponse | GatewayTokenResponse> {
    const grantType = form.values.get('grant_type');
    // The gateway's grant (one value: a repeated grant_type is the exchange parser's to refuse).
    if (grantType?.length === 1 && grantType[0] === 'authorization_code') return this.codes.redeem(form, authorization, ctx);
    return this.exchange.exchange(form, ctx);
  }
}
