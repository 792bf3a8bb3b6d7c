import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthStatus } from '@behalf/contracts';
import { Public } from '../auth/public.decorator';
import { DatabaseHealthService } from '../database/database-health.service';
import { ApiProblems } from '../http/api-problems.decorator';
import { ProblemError } from '../http/problem';

const healthSchema = { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] };

@ApiTags('probes')
@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseHealthService) {}

  @Public()
  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process serves HTTP. Never touches the database.' })
  @ApiOkResponse({ schema: healthSchema })
  healthz(): HealthStatus {
    return { status: 'ok' };
  }

  @Public()
  @Get('readyz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: the database answers and no migration is pending.' })
  @ApiOkResponse({ schema: healthSchema })
  @ApiProblems('service-unavailable')
  async readyz(): Promise<HealthStatus> {
    const readiness = await this.database.readiness();
    if (!readiness.ready) throw new ProblemError('service-unavailable', readiness.reason);
    return { status: 'ok' };
  }
}
