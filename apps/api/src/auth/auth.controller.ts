import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Me } from '@behalf/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Ctx, RequestContext } from '../kernel/request-context';
import { SessionCookies } from './session-cookies';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { meSchema } from './auth.schemas';
import { ValidBody } from '../platform/http/zod-validation';
import { AuthService } from './auth.service';
import { ANY_CREDENTIAL, Authenticated } from '../platform/http/authenticated.decorator';
import { CurrentPrincipal } from '../platform/http/current-principal.decorator';
import { Principal } from '../kernel/principal';
import { Public } from '../platform/http/public.decorator';

export const loginBody = z.strictObject({
  login: z.string({ error: 'expected a login' }).min(1, 'expected a login').max(256, 'expected at most 256 characters'),
  password: z.string({ error: 'expected a password' }).min(1, 'expected a password').max(1024, 'expected at most 1024 characters'),
});

@ApiTags('auth')
@Controller('api/v1/auth')
@LeavesPolicyUnchanged()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: SessionCookies,
  ) {}

  @Public()
  @Post('login')
  @OwnTransactions('failed attempts must stay counted and recorded though the request fails')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Password login: sets the session and CSRF cookies (__Host-behalf_session and __Host-behalf_csrf; behalf_session and behalf_csrf in development over plain HTTP).',
  })
  @ApiJsonResponse(200, meSchema, 'Who the caller is.')
  @ApiProblems('unauthenticated', 'too-many-requests')
  async login(@ValidBody(loginBody) body: z.infer<typeof loginBody>, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<Me> {
    const { me, session } = await this.auth.login(body.login, body.password, ctx);
    this.cookies.set(reply, session);
    return me;
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Ends the current session and clears its cookies.' })
  @ApiNoContentResponse()
  async logout(@Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(ctx);
    this.cookies.clear(reply);
  }

  @Get('me')
  // Webapp code may read its own profile (the viewer's, under an impersonation token).
  @Authenticated({ credentials: ANY_CREDENTIAL })
  @ApiOperation({ summary: 'Who the caller is, with groups and effective permissions.' })
  @ApiJsonResponse(200, meSchema, 'Who the caller is.')
  me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    return this.auth.me(principal.userId);
  }
}
