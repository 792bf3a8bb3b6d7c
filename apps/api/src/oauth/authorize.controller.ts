import { Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SESSION_COOKIE } from '@behalf/contracts';
import { parseAppsUrl } from '@behalf/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { setSessionCookies } from '../auth/session-cookies';
import { cookiesOf } from '../auth/strategies';
import { ProblemError } from '../kernel/problem';
import { Ctx, RequestContext } from '../kernel/request-context';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { CONFIG, Config } from '../platform/config/config';
import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { FORM_BODY, FormParams } from '../platform/http/form-body';
import { Public } from '../platform/http/public.decorator';
import { AuthorizationCodes } from './authorization-code.service';
import { loginPage, messagePage, pageHeaders, safeReturnTo } from './login-page';

/**
 * `GET /oauth/authorize` (the authorization code grant with PKCE, for the gateway) and its login
 * step, `GET|POST /oauth/login`: a minimal server-rendered form until the web console takes it over.
 */
@ApiTags('oauth')
@Controller('oauth')
@Public()
@LeavesPolicyUnchanged()
export class AuthorizeController {
  private readonly pageHeaders: ReturnType<typeof pageHeaders>;

  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly auth: AuthService,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.pageHeaders = pageHeaders(config.gateway.appsUrl);
  }

  @Get('authorize')
  @OwnTransactions('issues a code and records it, or refuses and records that')
  @ApiOperation({
    summary:
      'Authorization endpoint (RFC 6749 §4.1, PKCE S256 required), for the gateway (client_id behalf-gateway) alone: the viewer’s Behalf session approves; without one, the login page first. Redirects to the webapp origin’s /.behalf/callback with code, state and iss.',
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
    const outcome = await this.codes.authorize(query, cookiesOf(request)[SESSION_COOKIE], ctx);
    if (outcome.kind === 'page') {
      await reply.code(outcome.status).headers(this.pageHeaders).send(messagePage('This sign-in link is not valid', outcome.message));
      return;
    }
    const location = outcome.kind === 'login' ? `/oauth/login?return_to=${encodeURIComponent(request.url)}` : outcome.location;
    await reply.code(303).headers({ 'cache-control': 'no-store', location }).send();
  }

  @Get('login')
  @ApiOperation({
    summary: 'The authorization endpoint’s login step: a server-rendered form that continues into return_to (an /oauth/authorize request only).',
  })
  @ApiQuery({ name: 'return_to', description: 'the authorization request to continue with: /oauth/authorize?…' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'The login form.' })
  @ApiResponse({ status: 400, description: 'An HTML page: return_to is not an authorization request on this server.' })
  async loginForm(@Query('return_to') returnTo: unknown, @Res() reply: FastifyReply): Promise<void> {
    const target = safeReturnTo(returnTo);
    if (!target) {
      await reply.code(400).headers(this.pageHeaders).send(messagePage('Nothing to sign in to', 'Open the webapp again to sign in.'));
      return;
    }
    await reply.code(200).headers(this.pageHeaders).send(loginPage(target));
  }

  @Post('login')
  @ApiOperation({
    summary:
      'The login form’s submission (application/x-www-form-urlencoded: login, password, return_to; Origin must be this server): sets the session cookies and continues into return_to; a refusal shows the form again with the reason.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  @ApiResponse({ status: 303, description: 'Signed in: on to return_to.' })
  @ApiResponse({ status: 401, description: 'The form again, saying the login failed.' })
  @ApiResponse({ status: 403, description: 'The form was not sent from this server’s page.' })
  @ApiResponse({ status: 429, description: 'The form again, saying when to retry.' })
  @RouteConfig({ [FORM_BODY]: true })
  @OwnTransactions('failed attempts must stay counted and recorded though the request fails')
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Ctx() ctx: RequestContext): Promise<void> {
    const form = request.body instanceof FormParams ? request.body : new FormParams(new Map());
    const field = (name: string) => form.values.get(name)?.[0] ?? '';
    const target = safeReturnTo(field('return_to'));
    if (!target) {
      await reply.code(400).headers(this.pageHeaders).send(messagePage('Nothing to sign in to', 'Open the webapp again to sign in.'));
      return;
    }
    // Login CSRF: the form must come from this server's own page, never a webapp's or another site's.
    if (!this.sameOrigin(request)) {
      await reply.code(403).headers(this.pageHeaders).send(loginPage(target, 'This form must be sent from Behalf’s own sign-in page.'));
      return;
    }
    try {
      const { session } = await this.auth.login(field('login').slice(0, 256), field('password').slice(0, 1024), ctx);
      setSessionCookies(reply, session, this.config);
      await reply.code(303).headers({ 'cache-control': 'no-store', location: target }).send();
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      await reply
        .code(error.status)
        .headers({ ...this.pageHeaders, ...(error.headers ?? {}) })
        .send(loginPage(target, error.detail));
    }
  }

  /** The request's Origin is this server as the browser reached it, and no webapp's. */
  private sameOrigin(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    if (!origin || !request.headers.host) return false;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    return url.host === request.headers.host.toLowerCase() && parseAppsUrl(this.config.gateway.appsUrl).slugOfOrigin(origin) === undefined;
  }
}
