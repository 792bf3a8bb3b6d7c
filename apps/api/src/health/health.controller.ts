import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthStatus } from '@behalf/contracts';
import { Public } from '../platform/http/public.decorator';
import { ServedByFastify } from '../platform/http/served-by-fastify.decorator';
import { DatabaseHealthService } from '../platform/database/database-health.service';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { healthSchema } from './health.schemas';
import { ProblemError } from '../kernel/problem';

@ApiTags('probes')
@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseHealthService) {}

  @Public()
  // Probed many times a second and needs nothing of Nest's pipeline.
  @ServedByFastify()
  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process serves HTTP. Never touches the database.' })
  @ApiJsonResponse(200, healthSchema, 'Alive.')
  healthz(): HealthStatus {
    return { status: 'ok' };
  }

  @Public()
  @Get('readyz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: the database answers and no migration is pending.' })
  @ApiJsonResponse(200, healthSchema, 'Ready.')
  @ApiProblems('service-unavailable')
  async readyz(): Promise<HealthStatus> {
    const readiness = await this.database.readiness();
    if (!readiness.ready) throw new ProblemError('service-unavailable', readiness.reason);
    return { status: 'ok' };
  }
}
