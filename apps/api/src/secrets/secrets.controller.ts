import { Controller, Delete, Get, HttpCode, Put, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, SecretInfo } from '@behalf/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { listQuery } from '../kernel/pagination';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import type { Principal } from '../kernel/principal';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { secretInfoSchema } from './secrets.schemas';
import { ValidBody, ValidParams, ValidQuery } from '../platform/http/zod-validation';
import { mySecretParams, putSecretBody, userParams, userSecretParams } from './secrets.dto';
import { SecretsService } from './secrets.service';

type Authed = RequestContext & { principal: Principal };

@ApiTags('secrets')
@Controller('api/v1/users/me/secrets')
@Authenticated()
// Secrets are no input to policy decisions: their writes keep the caches.
@LeavesPolicyUnchanged()
export class MySecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Put(':name')
  @ApiOperation({ summary: 'Stores a secret (201) or replaces it (200). The value is sealed and never returned.' })
  @ApiJsonResponse(201, secretInfoSchema, 'Created.')
  @ApiJsonResponse(200, secretInfoSchema, 'Replaced.')
  async put(
    @ValidParams(mySecretParams) params: z.infer<typeof mySecretParams>,
    @ValidBody(putSecretBody) body: z.infer<typeof putSecretBody>,
    @Ctx() ctx: Authed,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SecretInfo> {
    const { created, secret } = await this.secrets.put({ id: ctx.principal.userId, login: ctx.principal.login }, params.name, body.value, ctx);
    reply.status(created ? 201 : 200);
    return secret;
  }

  @Get()
  @ApiOperation({ summary: 'The caller’s secrets by name, with their dates: never their values.' })
  @ApiJsonResponse(200, pageOf(secretInfoSchema), 'A page of secrets.')
  list(@ValidQuery(listQuery) query: z.infer<typeof listQuery>, @Ctx() ctx: Authed): Promise<Page<SecretInfo>> {
    return this.secrets.list(ctx.principal.userId, query.limit, query.cursor);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes one of the caller’s secrets.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  delete(@ValidParams(mySecretParams) params: z.infer<typeof mySecretParams>, @Ctx() ctx: Authed): Promise<void> {
    return this.secrets.delete(ctx.principal.userId, params.name, ctx);
  }
}

@ApiTags('secrets')
@Controller('api/v1/users/:id/secrets')
@Authenticated({ permission: 'admin' })
// Secrets are no input to policy decisions: their writes keep the caches.
@LeavesPolicyUnchanged()
export class UserSecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  @ApiOperation({ summary: 'A user’s secrets by name, with their dates: never their values.' })
  @ApiJsonResponse(200, pageOf(secretInfoSchema), 'A page of secrets.')
  @ApiProblems('not-found', 'validation-failed')
  list(@ValidParams(userParams) params: z.infer<typeof userParams>, @ValidQuery(listQuery) query: z.infer<typeof listQuery>): Promise<Page<SecretInfo>> {
    return this.secrets.listOf(params.id, query.limit, query.cursor);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes a user’s secret.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  delete(@ValidParams(userSecretParams) params: z.infer<typeof userSecretParams>, @Ctx() ctx: RequestContext): Promise<void> {
    return this.secrets.delete(params.id, params.name, ctx);
  }
}
