import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { KekRewrapReport } from '@behalf/contracts';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { OwnTransactions } from '../platform/database/transaction.interceptor';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { kekRewrapReportSchema } from './kek.schemas';
import { KekService } from './kek.service';

@ApiTags('admin')
@Controller('api/v1/admin/kek')
@Authenticated({ permission: 'admin' })
export class KekController {
  constructor(private readonly kek: KekService) {}

  @Post('rewrap')
  @OwnTransactions('batches commit one by one, so an interrupted run keeps its progress; the summary is recorded after them')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Re-wraps every data key (secrets, signing keys) to the newest KEK of BEHALF_KEK, in bounded batches; safe to repeat, resumes after an interruption.',
  })
  @ApiJsonResponse(200, kekRewrapReportSchema, 'What was moved, and what could not be.')
  rewrap(@Ctx() ctx: RequestContext): Promise<KekRewrapReport> {
    return this.kek.rewrap(ctx);
  }
}
