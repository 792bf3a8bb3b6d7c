import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { constantTimeEqual } from '@behalf/server';
import { Public } from '../http/public.decorator';
import { CONFIG, Config } from '../config/config';
import { ApiProblems } from '../http/api-problems.decorator';
import { ProblemError } from '../../kernel/problem';
import { MetricsService } from './metrics.service';

@ApiTags('probes')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  // Public to the session/API-key authentication: when BEHALF_METRICS_TOKEN is set, scrapers
  // present that token instead, checked here in constant time.
  @Public()
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics. Requires `Bearer $BEHALF_METRICS_TOKEN` when it is set.' })
  @ApiBearerAuth('metrics-token')
  @ApiOkResponse({ content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiProblems('unauthenticated')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const expected = this.config.metricsToken;
    if (expected !== undefined) {
      const match = /^Bearer (\S+)$/.exec(authorization ?? '');
      if (!match || !constantTimeEqual(match[1], expected)) {
        throw new ProblemError('unauthenticated', 'Metrics require the metrics bearer token.', undefined, {
          'www-authenticate': 'Bearer realm="behalf-metrics"',
        });
      }
    }
    await reply.header('content-type', this.metrics.contentType).send(await this.metrics.render());
  }
}
