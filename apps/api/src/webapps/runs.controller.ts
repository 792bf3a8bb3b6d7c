import { Controller, Delete, Get, Header, HttpCode, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, RefreshedBackendToken, StartedRun, WebappRun } from '@behalf/contracts';
import { z } from 'zod';
import { listQuery } from '../kernel/pagination';
import { Ctx } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { refreshedBackendTokenSchema, startedRunSchema, webappRunSchema } from './webapps.schemas';
import { ValidBody, ValidParams, ValidQuery } from '../platform/http/zod-validation';
import { RunsService } from './runs.service';
import { runParams, startRunBody, upstreamBody, webappParams } from './webapps.dto';
import { AuthenticatedContext } from './webapps.service';

@ApiTags('webapps')
@Controller('api/v1/webapps/:id/runs')
@Authenticated()
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Starts a run (owner or admin; in starter mode anyone who may view the webapp) and answers its launch spec with a backend token.',
  })
  @ApiJsonResponse(201, startedRunSchema, 'The launch spec.')
  @ApiProblems('not-found', 'conflict')
  start(
    @ValidParams(webappParams) params: z.infer<typeof webappParams>,
    @ValidBody(startRunBody) body: z.infer<typeof startRunBody>,
    @Ctx() ctx: AuthenticatedContext,
  ): Promise<StartedRun> {
    return this.runs.start(params.id, body, ctx);
  }

  @Get()
  @ApiOperation({ summary: 'Runs of the webapp, newest first: all for its owner and admins, else the caller’s own.' })
  @ApiJsonResponse(200, pageOf(webappRunSchema), 'A page of runs.')
  @ApiProblems('not-found', 'validation-failed')
  list(
    @ValidParams(webappParams) params: z.infer<typeof webappParams>,
    @ValidQuery(listQuery) query: z.infer<typeof listQuery>,
    @Ctx() ctx: AuthenticatedContext,
  ): Promise<Page<WebappRun>> {
    return this.runs.list(params.id, ctx, query.limit, query.cursor);
  }

  @Get(':runId')
  @ApiOperation({ summary: 'One run.' })
  @ApiJsonResponse(200, webappRunSchema, 'The run.')
  @ApiProblems('not-found', 'validation-failed')
  get(@ValidParams(runParams) params: z.infer<typeof runParams>, @Ctx() ctx: AuthenticatedContext): Promise<WebappRun> {
    return this.runs.get(params.id, params.runId, ctx);
  }

  // Backends refresh on a timer: this writes nothing a cached decision depends on.
  @Post(':runId/refresh')
  // A run's own backend refreshes its token (the service refuses it any other run).
  @Authenticated({ credentials: ['session', 'api_key', 'backend_token'] })
  @HttpCode(200)
  @LeavesPolicyUnchanged()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'A fresh backend token for a live run: for its owner, admins, its starter and the run’s own backend.' })
  @ApiJsonResponse(200, refreshedBackendTokenSchema, 'The new token.')
  @ApiProblems('not-found', 'conflict', 'validation-failed')
  refresh(@ValidParams(runParams) params: z.infer<typeof runParams>, @Ctx() ctx: AuthenticatedContext): Promise<RefreshedBackendToken> {
    return this.runs.refresh(params.id, params.runId, ctx);
  }

  @Put(':runId/upstream')
  // The run's own backend reports where it listens (the service refuses it any other run).
  @Authenticated({ credentials: ['backend_token'] })
  @ApiOperation({
    summary:
      'Where the run’s backend listens, for the gateway (the run’s own backend token only): loopback or BEHALF_UPSTREAM_NETWORKS, never link-local or metadata addresses. The gateway routes to it within a second.',
  })
  @ApiJsonResponse(200, webappRunSchema, 'The run.')
  @ApiProblems('not-found', 'conflict', 'validation-failed')
  setUpstream(
    @ValidParams(runParams) params: z.infer<typeof runParams>,
    @ValidBody(upstreamBody) body: z.infer<typeof upstreamBody>,
    @Ctx() ctx: AuthenticatedContext,
  ): Promise<WebappRun> {
    return this.runs.setUpstream(params.id, params.runId, body.url, ctx);
  }

  @Delete(':runId')
  // A run's own backend may end its run (the service refuses it any other run).
  @Authenticated({ credentials: ['session', 'api_key', 'backend_token'] })
  @HttpCode(204)
  @ApiOperation({ summary: 'Stops a run: its backend tokens are refused everywhere within a second. Idempotent.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  stop(@ValidParams(runParams) params: z.infer<typeof runParams>, @Ctx() ctx: AuthenticatedContext): Promise<void> {
    return this.runs.stop(params.id, params.runId, ctx);
  }
}
