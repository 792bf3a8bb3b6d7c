import { Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, SecretNameRequest } from '@behalf/contracts';
import { z } from 'zod';
import { listQuery } from '../kernel/pagination';
import { Ctx } from '../kernel/request-context';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { ValidBody, ValidParams, ValidQuery } from '../platform/http/zod-validation';
import { SecretNameRequestsService } from './secret-name-requests.service';
import { secretNameRequestBody, webappParams } from './webapps.dto';
import { secretNameRequestSchema } from './webapps.schemas';
import { AuthenticatedContext } from './webapps.service';

@ApiTags('webapps')
@Controller('api/v1')
@Authenticated()
export class SecretNameRequestsController {
  constructor(private readonly requests: SecretNameRequestsService) {}

  @Get('secret-name-requests')
  @Authenticated({ permission: 'admin' })
  @ApiOperation({ summary: 'Pending secret-name requests of every webapp, oldest first: what admins have to decide.' })
  @ApiJsonResponse(200, pageOf(secretNameRequestSchema), 'A page of requests.')
  list(@ValidQuery(listQuery) query: z.infer<typeof listQuery>): Promise<Page<SecretNameRequest>> {
    return this.requests.list(query.limit, query.cursor);
  }

  @Get('webapps/:id/secret-name-request')
  @ApiOperation({ summary: 'The webapp’s pending secret-name request (owner or admin).' })
  @ApiJsonResponse(200, secretNameRequestSchema, 'The request.')
  @ApiProblems('not-found', 'validation-failed')
  get(@ValidParams(webappParams) params: z.infer<typeof webappParams>, @Ctx() ctx: AuthenticatedContext): Promise<SecretNameRequest> {
    return this.requests.get(params.id, ctx);
  }

  @Put('webapps/:id/secret-name-request')
  @ApiOperation({
    summary:
      'Asks an admin to let the webapp receive these secret names (owner or admin; replaces an earlier request). An admin approves by adding them to secretNames, or declines.',
  })
  @ApiJsonResponse(200, secretNameRequestSchema, 'The pending request: the names the webapp may not receive yet.')
  @ApiProblems('not-found', 'conflict', 'validation-failed')
  ask(
    @ValidParams(webappParams) params: z.infer<typeof webappParams>,
    @ValidBody(secretNameRequestBody) body: z.infer<typeof secretNameRequestBody>,
    @Ctx() ctx: AuthenticatedContext,
  ): Promise<SecretNameRequest> {
    return this.requests.ask(params.id, body.names, ctx);
  }

  @Delete('webapps/:id/secret-name-request')
  @HttpCode(204)
  @ApiOperation({ summary: 'Declines (an admin) or withdraws (the owner) the webapp’s pending secret-name request.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  decline(@ValidParams(webappParams) params: z.infer<typeof webappParams>, @Ctx() ctx: AuthenticatedContext): Promise<void> {
    return this.requests.decline(params.id, ctx);
  }
}
