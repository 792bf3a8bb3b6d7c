import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionCookies } from '../auth/session-cookies';
import { Ctx, RequestContext } from '../kernel/request-context';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { Public } from '../platform/http/public.decorator';
import { AuthorizationCodes } from './authorization-code.service';
import { messagePage, PAGE_HEADERS } from './authorize-page';

/**
 * `GET /oauth/authorize` (the authorization code grant with PKCE, for the gateway). Its login step
 * is the web console's login page, `/login?return_to=<this request>`.
 */
@ApiTags('oauth')
@Controller('oauth')
@Public()
@LeavesPolicyUnchanged()
export class AuthorizeController {
  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly cookies: SessionCookies,
  ) {}

  @Get('authorize')
  @OwnTransactions('issues a code and records it, or refuses and records that')
  @ApiOperation({
    summary:
      'Authorization endpoint (RFC 6749 §4.1, PKCE S256 required), for the gateway (client_id behalf-gateway) alone: the viewer’s Behalf session approves; without one, the console’s login page (/login?return_to=…) first. Redirects to the webapp origin’s /.behalf/callback with code, state and iss.',
  })
  @ApiQuery({ name: 'response_type', enum: ['code'] })
  @ApiQuery({ name: 'client_id', enum: ['behalf-gateway'] })
  @ApiQuery({ name: 'redirect_uri', description: 'a webapp origin’s /.behalf/callback, exactly' })
  @ApiQuery({ name: 'state' })
  @ApiQuery({ name: 'code_challenge', description: 'BASE64URL(SHA256(code_verifier))' })
  @ApiQuery({ name: 'code_challenge_method', enum: ['S256'] })
  @ApiProduces('text/html')
  @ApiResponse({ status: 303, description: 'To the redirect URI (code or error), or to the login page.' })
  @ApiResponse({ status: 400, description: 'An HTML page: the client or redirect URI is not acceptable, so nothing is redirected.' })
  async authorize(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Ctx() ctx: RequestContext,
  ): Promise<void> {
    const outcome = await this.codes.authorize(query, this.cookies.sessionOf(request), ctx);
    if (outcome.kind === 'page') {
      await reply.code(outcome.status).headers(PAGE_HEADERS).send(messagePage('This sign-in link is not valid', outcome.message));
      return;
    }
    // The console's login page continues into this same request once the viewer signed in.
    const location = outcome.kind === 'login' ? `/login?return_to=${encodeURIComponent(request.url)}` : outcome.location;
    await reply.code(303).headers({ 'cache-control': 'no-store', location }).send();
  }
}
