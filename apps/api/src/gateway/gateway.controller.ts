import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { GatewayRoutes, GatewayViewer } from '@behalf/contracts';
import { z } from 'zod';
import { Ctx, RequestContext } from '../kernel/request-context';
import { LeavesPolicyUnchanged } from '../platform/cache/local-writes.interceptor';
import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { ValidBody, ValidQuery, uuidField } from '../platform/http/zod-validation';
import { gatewayRoutesSchema, gatewayViewerSchema } from './gateway.schemas';
import { GatewayService, ROUTES_WAIT_MS } from './gateway.service';

export const routesQuery = z.object({
  after: z.string({ error: 'expected the version of the routes held' }).max(100, 'expected at most 100 characters').optional(),
});

export const viewerBody = z.strictObject({
  webappId: uuidField,
  session: z.string({ error: 'expected the gateway session token' }).min(1).max(200, 'expected at most 200 characters').optional(),
  identityToken: z.boolean({ error: 'expected true or false' }).optional(),
  active: z.boolean({ error: 'expected true or false' }).optional(),
});

/** What the gateway asks (its service principal's API key, permission `gateway`). */
@ApiTags('gateway')
@Controller('api/v1/gateway')
@Authenticated({ permission: 'gateway', credentials: ['api_key'] })
@LeavesPolicyUnchanged()
export class GatewayController {
  constructor(private readonly gateway: GatewayService) {}

  @Get('routes')
  @ApiOperation({
    summary: `Every webapp’s route: slug, access, identity propagation, the live run’s upstream. With after=<version held>, waits up to ${ROUTES_WAIT_MS / 1000} s for a change first (long poll).`,
  })
  @ApiJsonResponse(200, gatewayRoutesSchema, 'The routes and their version.')
  @ApiProblems('validation-failed')
  routes(@ValidQuery(routesQuery) query: z.infer<typeof routesQuery>): Promise<GatewayRoutes> {
    return this.gateway.routes(query.after);
  }

  @Post('viewers')
  @HttpCode(200)
  @OwnTransactions('a hot path that changes nothing but the audit log')
  @ApiOperation({
    summary:
      'Who a gateway session’s viewer is and whether they may view the webapp (allow, login or forbid), with an identity token when asked. No session: an anonymous viewer, allowed on public webapps. The viewer’s Behalf session is marked seen only when `active` says they did something since the gateway last asked.',
  })
  @ApiJsonResponse(200, gatewayViewerSchema, 'The decision.')
  @ApiProblems('validation-failed', 'not-found')
  viewer(@ValidBody(viewerBody) body: z.infer<typeof viewerBody>, @Ctx() ctx: RequestContext): Promise<GatewayViewer> {
    return this.gateway.viewer(body, ctx);
  }
}
