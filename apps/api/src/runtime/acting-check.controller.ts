import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ImpersonationDecision } from '@behalf/contracts';
import { z } from 'zod';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { ValidQuery, uuidField } from '../platform/http/zod-validation';
import { impersonationDecisionSchema } from '../impersonation/impersonation.schemas';
import { ActingCheck } from './acting-check.service';

const userParam = z.string({ error: 'expected a user id or login' }).min(1, 'expected a user id or login').max(128, 'expected a user id or login');
const checkQuery = z.object({ actor: userParam, subject: userParam, webapp: uuidField.optional() });

@ApiTags('impersonation')
@Controller('api/v1/impersonation')
export class CheckController {
  constructor(private readonly acting: ActingCheck) {}

  @Get('check')
  @Authenticated({ permission: 'admin' })
  @ApiOperation({
    summary:
      'May actor act as subject (in webapp, when given), and why? Without webapp: the rules about people; with it, also the webapp’s (it allows impersonation, a live run runs as actor, subject may view it), as the token exchange applies them. Issues nothing; audited.',
  })
  @ApiJsonResponse(200, impersonationDecisionSchema, 'The decision, its reason, the grant behind it, and the webapp and run it was judged on.')
  @ApiProblems('not-found', 'validation-failed')
  check(@ValidQuery(checkQuery) query: z.infer<typeof checkQuery>, @Ctx() ctx: RequestContext): Promise<ImpersonationDecision> {
    return this.acting.check(query.actor, query.subject, query.webapp, ctx);
  }
}
