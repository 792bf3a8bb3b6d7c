import { Controller, Delete, Get, HttpCode, Patch, Post, Put, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Dataset, DatasetGroupPermission, DatasetPermissions, Page } from '@behalf/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Ctx } from '../kernel/request-context';
import { ANY_CREDENTIAL, Authenticated } from '../platform/http/authenticated.decorator';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { listQuery } from '../kernel/pagination';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { datasetGroupPermissionSchema, datasetPermissionsSchema, datasetSchema } from './datasets.schemas';
import { ValidBody, ValidParams, ValidQuery } from '../platform/http/zod-validation';
import { createDatasetBody, datasetParams, groupPermissionParams, setGroupPermissionBody, updateDatasetBody } from './datasets.dto';
import { AuthenticatedContext, DatasetsService } from './datasets.service';

@ApiTags('datasets')
@Controller('api/v1/datasets')
@Authenticated()
// No policy decision or cached run state depends on datasets: their writes keep the caches.
@LeavesPolicyUnchanged()
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Post()
  @Authenticated({ permission: 'mayManageDatasets' })
  @ApiOperation({ summary: 'Creates a dataset (admins and mayManageDatasets); the creator owns it.' })
  @ApiJsonResponse(201, datasetSchema, 'The dataset.')
  @ApiProblems('conflict')
  create(@ValidBody(createDatasetBody) body: z.infer<typeof createDatasetBody>, @Ctx() ctx: AuthenticatedContext): Promise<Dataset> {
    return this.datasets.create(body, ctx);
  }

  @Get()
  // Webapp code reads data as its principal may (DESIGN.md, credential kinds).
  @Authenticated({ credentials: ANY_CREDENTIAL })
  @ApiOperation({ summary: 'Lists the datasets the caller may read, by name, with the caller’s access to each.' })
  @ApiJsonResponse(200, pageOf(datasetSchema), 'A page of datasets.')
  list(@ValidQuery(listQuery) query: z.infer<typeof listQuery>, @Ctx() ctx: AuthenticatedContext): Promise<Page<Dataset>> {
    return this.datasets.list(ctx, query.limit, query.cursor);
  }

  @Get(':id')
  @Authenticated({ credentials: ANY_CREDENTIAL })
  @ApiOperation({ summary: 'One dataset, if the caller may read it.' })
  @ApiJsonResponse(200, datasetSchema, 'The dataset.')
  @ApiProblems('not-found', 'validation-failed')
  get(@ValidParams(datasetParams) params: z.infer<typeof datasetParams>, @Ctx() ctx: AuthenticatedContext): Promise<Dataset> {
    return this.datasets.get(params.id, ctx);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edits a dataset (owner or admin). Only admins change the owner.' })
  @ApiJsonResponse(200, datasetSchema, 'The dataset after the change.')
  @ApiProblems('not-found', 'conflict')
  update(
    @ValidParams(datasetParams) params: z.infer<typeof datasetParams>,
    @ValidBody(updateDatasetBody) body: z.infer<typeof updateDatasetBody>,
    @Ctx() ctx: AuthenticatedContext,
  ): Promise<Dataset> {
    return this.datasets.update(params.id, body, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes a dataset (owner or admin) with its permissions and files.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  delete(@ValidParams(datasetParams) params: z.infer<typeof datasetParams>, @Ctx() ctx: AuthenticatedContext): Promise<void> {
    return this.datasets.delete(params.id, ctx);
  }

  @Get(':id/permissions')
  @ApiOperation({ summary: 'Who may use the dataset (owner or admin): its owner and the groups that may read or write it.' })
  @ApiJsonResponse(200, datasetPermissionsSchema, 'The permissions.')
  @ApiProblems('not-found', 'validation-failed')
  permissions(@ValidParams(datasetParams) params: z.infer<typeof datasetParams>, @Ctx() ctx: AuthenticatedContext): Promise<DatasetPermissions> {
    return this.datasets.permissions(params.id, ctx);
  }

  @Put(':id/permissions/groups/:groupId')
  @ApiOperation({ summary: 'Lets a group read, or read and write, the dataset (owner or admin): 201 when new, 200 when changed.' })
  @ApiJsonResponse(201, datasetGroupPermissionSchema, 'Granted.')
  @ApiJsonResponse(200, datasetGroupPermissionSchema, 'Changed.')
  @ApiProblems('not-found')
  async setGroupPermission(
    @ValidParams(groupPermissionParams) params: z.infer<typeof groupPermissionParams>,
    @ValidBody(setGroupPermissionBody) body: z.infer<typeof setGroupPermissionBody>,
    @Ctx() ctx: AuthenticatedContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DatasetGroupPermission> {
    const { created, permission } = await this.datasets.setGroupPermission(params.id, params.groupId, body.access, ctx);
    reply.status(created ? 201 : 200);
    return permission;
  }

  @Delete(':id/permissions/groups/:groupId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Takes a group’s permission on the dataset away (owner or admin).' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  removeGroupPermission(@ValidParams(groupPermissionParams) params: z.infer<typeof groupPermissionParams>, @Ctx() ctx: AuthenticatedContext): Promise<void> {
    return this.datasets.removeGroupPermission(params.id, params.groupId, ctx);
  }
}
