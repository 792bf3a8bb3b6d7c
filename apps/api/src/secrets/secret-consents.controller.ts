import { Controller, Delete, Get, HttpCode, Put, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, SecretConsent } from '@behalf/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Ctx } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { listQuery } from '../kernel/pagination';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { secretConsentSchema } from './secrets.schemas';
import { uuidField, ValidBody, ValidParams, ValidQuery } from '../platform/http/zod-validation';
import type { AuthenticatedContext } from '../webapps/webapps.service';
import { secretName } from './secrets.dto';
import { SecretConsentsService } from './secret-consents.service';

const consentParams = z.object({ webappId: uuidField });
const putConsentBody = z.strictObject({
  names: z
    .array(secretName, { error: 'expected an array of secret names' })
    .max(200, 'expected at most 200 names')
    .refine((list) => new Set(list).size === list.length, 'expected no name twice')
    .describe('the secrets this webapp may receive, within its admin-approved secretNames; [] receives none'),
});

@ApiTags('secrets')
@Controller('api/v1/users/me/secret-consents')
@Authenticated()
// Consents are read when secrets are delivered, never cached in policy decisions.
@LeavesPolicyUnchanged()
export class SecretConsentsController {
  constructor(private readonly consents: SecretConsentsService) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s consents: which of their secrets each webapp may receive.' })
  @ApiJsonResponse(200, pageOf(secretConsentSchema), 'A page of consents, by webapp id.')
  list(@ValidQuery(listQuery) query: z.infer<typeof listQuery>, @Ctx() ctx: AuthenticatedContext): Promise<Page<SecretConsent>> {
    return this.consents.list(ctx, query.limit, query.cursor);
  }

  @Get(':webappId')
  @ApiOperation({ summary: 'The caller’s consent for one webapp.' })
  @ApiJsonResponse(200, secretConsentSchema, 'The consent.')
  @ApiProblems('not-found', 'validation-failed')
  get(@ValidParams(consentParams) params: z.infer<typeof consentParams>, @Ctx() ctx: AuthenticatedContext): Promise<SecretConsent> {
    return this.consents.get(params.webappId, ctx);
  }

  @Put(':webappId')
  @ApiOperation({ summary: 'Lets a webapp the caller may view receive these of their secrets (201 new, 200 replaced); audited.' })
  @ApiJsonResponse(201, secretConsentSchema, 'Given.')
  @ApiJsonResponse(200, secretConsentSchema, 'Replaced.')
  @ApiProblems('not-found', 'validation-failed')
  async put(
    @ValidParams(consentParams) params: z.infer<typeof consentParams>,
    @ValidBody(putConsentBody) body: z.infer<typeof putConsentBody>,
    @Ctx() ctx: AuthenticatedContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SecretConsent> {
    const { created, consent } = await this.consents.put(params.webappId, body.names, ctx);
    reply.status(created ? 201 : 200);
    return consent;
  }

  @Delete(':webappId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revokes the caller’s consent for a webapp: it receives none of their secrets from now on.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  revoke(@ValidParams(consentParams) params: z.infer<typeof consentParams>, @Ctx() ctx: AuthenticatedContext): Promise<void> {
    return this.consents.revoke(params.webappId, ctx);
  }
}
