import { Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ImpersonationGrant, Page } from '@behalf/contracts';
import { z } from 'zod';
import { nameText } from '../platform/http/input-text';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { CurrentPrincipal } from '../platform/http/current-principal.decorator';
import { Principal } from '../kernel/principal';
import { listQuery } from '../kernel/pagination';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { impersonationGrantSchema } from './impersonation.schemas';
import { ValidBody, ValidParams, ValidQuery, uuidField } from '../platform/http/zod-validation';
import { ImpersonationService } from './impersonation.service';

const grantParams = z.object({ id: uuidField, targetGroupId: uuidField });
const groupParams = z.object({ id: uuidField });
export const putGrantBody = z.strictObject({
  reason: nameText('a reason', 500),
  expiresAt: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional(),
});

@ApiTags('impersonation')
@Controller('api/v1/groups/:id/impersonation-targets')
@Authenticated({ permission: 'admin' })
export class GrantsController {
  constructor(private readonly impersonation: ImpersonationService) {}

  @Put(':targetGroupId')
  @ApiOperation({ summary: 'Grants members of group :id (G1) impersonation of members of :targetGroupId (G2).' })
  @ApiJsonResponse(200, impersonationGrantSchema, 'The grant, created or replaced.')
  @ApiProblems('not-found')
  put(
    @ValidParams(grantParams) params: z.infer<typeof grantParams>,
    @ValidBody(putGrantBody) body: z.infer<typeof putGrantBody>,
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: RequestContext,
  ): Promise<ImpersonationGrant> {
    return this.impersonation.putGrant(
      params.id,
      params.targetGroupId,
      { reason: body.reason, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined },
      { ...ctx, principal },
    );
  }

  @Delete(':targetGroupId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Removes the grant (idempotent). Takes effect at once on every replica.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  delete(@ValidParams(grantParams) params: z.infer<typeof grantParams>, @Ctx() ctx: RequestContext): Promise<void> {
    return this.impersonation.deleteGrant(params.id, params.targetGroupId, ctx);
  }

  @Get()
  @ApiOperation({ summary: 'The grants of group :id, with who created each, when, why and until when.' })
  @ApiJsonResponse(200, pageOf(impersonationGrantSchema), 'A page of grants.')
  @ApiProblems('not-found', 'validation-failed')
  list(
    @ValidParams(groupParams) params: z.infer<typeof groupParams>,
    @ValidQuery(listQuery) query: z.infer<typeof listQuery>,
  ): Promise<Page<ImpersonationGrant>> {
    return this.impersonation.listGrants(params.id, query.limit, query.cursor);
  }
}
