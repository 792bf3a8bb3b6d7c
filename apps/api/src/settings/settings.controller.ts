import { Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SecuritySettings } from '@behalf/contracts';
import { z } from 'zod';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { securitySettingsSchema } from './settings.schemas';
import { ValidBody } from '../platform/http/zod-validation';
import { patchSecuritySettingsBody } from './security-settings';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@Controller('api/v1/settings/security')
@Authenticated({ permission: 'admin' })
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({ summary: 'The global security settings.' })
  @ApiJsonResponse(200, securitySettingsSchema, 'The settings.')
  get(): Promise<SecuritySettings> {
    return this.settings.security();
  }

  @Patch()
  @ApiOperation({ summary: 'Changes global security settings; audited with a diff.' })
  @ApiJsonResponse(200, securitySettingsSchema, 'The settings after the change.')
  update(@ValidBody(patchSecuritySettingsBody) body: z.infer<typeof patchSecuritySettingsBody>, @Ctx() ctx: RequestContext): Promise<SecuritySettings> {
    return this.settings.updateSecurity(body, ctx);
  }
}
