import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, Webapp, WebappSettingsView } from '@behalf/contracts';
import { z } from 'zod';
import { listQuery } from '../kernel/pagination';
import { Ctx } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { webappSchema, webappSettingsViewSchema } from './webapps.schemas';
import { ValidBody, ValidParams, ValidQuery } from '../platform/http/zod-validation';
import { createWebappBody, patchSettingsBody, updateWebappBody, webappParams } from './webapps.dto';
import { AuthenticatedContext, WebappsService } from './webapps.service';

@ApiTags('webapps')
@Controller('api/v1/webapps')
@Authenticated()
export class WebappsController {
  constructor(private readonly webapps: WebappsService) {}

  @Post()
  @Authenticated({ permission: 'mayCreateWebapps' })
  @ApiOperation({ summary: 'Creates a webapp; the creator is its owner and last modifier.' })
  @ApiJsonResponse(201, webappSchema, 'The webapp.')
  create(@ValidBody(createWebappBody) body: z.infer<typeof createWebappBody>, @Ctx() ctx: AuthenticatedContext): Promise<Webapp> {
    return this.webapps.create(body, ctx);
  }

  @Get()
  @ApiOperation({ summary: 'Lists the webapps the caller may see, by name.' })
  @ApiJsonResponse(200, pageOf(webappSchema), 'A page of webapps.')
  list(@ValidQuery(listQuery) query: z.infer<typeof listQuery>, @Ctx() ctx: AuthenticatedContext): Promise<Page<Webapp>> {
    return this.webapps.list(ctx, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webapp, if the caller may see it.' })
  @ApiJsonResponse(200, webappSchema, 'The webapp.')
  @ApiProblems('not-found', 'validation-failed')
  get(@ValidParams(webappParams) params: z.infer<typeof webappParams>, @Ctx() ctx: AuthenticatedContext): Promise<Webapp> {
    return this.webapps.get(params.id, ctx);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edits a webapp (owner or admin); the caller becomes its last modifier. Only admins change the owner.' })
  @ApiJsonResponse(200, webappSchema, 'The webapp after the change.')
  @ApiProblems('not-found')
  update(
    @ValidParams(webappParams) params: z.infer<typeof webappParams>,
    @ValidBody(updateWebappBody) body: z.infer<typeof updateWebappBody>,
    @Ctx() ctx: AuthenticatedContext,
  ): Promise<Webapp> {
    return this.webapps.update(params.id, body, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes a webapp (owner or admin) with its runs: their backend tokens stop working.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  delete(@ValidParams(webappParams) params: z.infer<typeof webappParams>, @Ctx() ctx: AuthenticatedContext): Promise<void> {
    return this.webapps.delete(params.id, ctx);
  }

  @Get(':id/settings')
  @ApiOperation({ summary: 'The webapp’s security settings (owner or admin), with whom it runs as and whether tokens are hidden.' })
  @ApiJsonResponse(200, webappSettingsViewSchema, 'The settings.')
  @ApiProblems('not-found', 'validation-failed')
  getSettings(@ValidParams(webappParams) params: z.infer<typeof webappParams>, @Ctx() ctx: AuthenticatedContext): Promise<WebappSettingsView> {
    return this.webapps.getSettings(params.id, ctx);
  }

  @Patch(':id/settings')
  @ApiOperation({ summary: 'Changes security settings (owner or admin), audited with a diff; the caller becomes the last modifier.' })
  @ApiJsonResponse(200, webappSettingsViewSchema, 'The settings after the change.')
  @ApiProblems('not-found')
  updateSettings(
    @ValidParams(webappParams) params: z.infer<typeof webappParams>,
    @ValidBody(patchSettingsBody) body: z.infer<typeof patchSettingsBody>,
    @Ctx() ctx: AuthenticatedContext,
  ): Promise<WebappSettingsView> {
    return this.webapps.updateSettings(params.id, body, ctx);
  }
}
