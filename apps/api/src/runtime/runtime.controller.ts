import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthInfo, IssuedIdentityToken } from '@behalf/contracts';
import { z } from 'zod';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { authInfoSchema, issuedIdentityTokenSchema } from './runtime.schemas';
import { ValidBody } from '../platform/http/zod-validation';
import { RuntimeService } from './runtime.service';

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
