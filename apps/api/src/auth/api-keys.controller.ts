import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiKey, CreatedApiKey, Page } from '@behalf/contracts';
import { z } from 'zod';
import { nameText } from '../platform/http/input-text';
import { Ctx, RequestContext } from '../kernel/request-context';
import { pageQuery } from '../kernel/pagination';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ValidBody, ValidParams, ValidQuery, uuidField } from '../platform/http/zod-validation';
import { ApiKeyService } from './api-key.service';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { CurrentPrincipal } from '../platform/http/current-principal.decorator';
import { Principal } from '../kernel/principal';
import { apiKeySchema, createdApiKeySchema } from './auth.schemas';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';

export const createApiKeyBody = z.strictObject({
  name: nameText('a name', 100),
  expiresAt: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional(),
});

const listApiKeysQuery = z.object({
  userId: z.union([uuidField, z.literal('*')], { error: "expected a user id, or '*' for everyone's (admins)" }).optional(),
  ...pageQuery,
});

@ApiTags('api-keys')
@Controller('api/v1/api-keys')
@LeavesPolicyUnchanged()
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeyService) {}

  @Post()
  @Authenticated()
  @ApiOperation({ summary: 'Creates an API key for the caller. The key is in this answer only.' })
  @ApiJsonResponse(201, createdApiKeySchema, 'The key, with its secret: the only time it is shown.')
  create(
    @ValidBody(createApiKeyBody) body: z.infer<typeof createApiKeyBody>,
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: RequestContext,
  ): Promise<CreatedApiKey> {
    return this.apiKeys.create(body.name, body.expiresAt ? new Date(body.expiresAt) : undefined, { ...ctx, principal });
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: "The caller's API keys; admins may pass userId (or * for all)." })
  @ApiProblems('forbidden')
  @ApiJsonResponse(200, pageOf(apiKeySchema), 'A page of API keys, never their secrets.')
  list(@ValidQuery(listApiKeysQuery) query: z.infer<typeof listApiKeysQuery>, @CurrentPrincipal() principal: Principal): Promise<Page<ApiKey>> {
    return this.apiKeys.list(principal, query.userId, query.limit, query.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Revokes an API key (the caller’s own; admins: anyone’s).' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  revoke(
    @ValidParams(z.object({ id: uuidField })) params: { id: string },
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: RequestContext,
  ): Promise<void> {
    return this.apiKeys.revoke(params.id, { ...ctx, principal });
  }
}
