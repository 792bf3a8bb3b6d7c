import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { KeyRotation } from '@behalf/contracts';
import { z } from 'zod';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { keyRotationSchema } from './tokens.schemas';
import { ValidBody } from '../platform/http/zod-validation';
import { SigningKeys } from './signing-keys.service';

const rotateBody = z
  .strictObject({
    immediate: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe('true: sign with the new key at once, skipping the pre-publication delay (a compromised key)'),
    revokePrevious: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe('with immediate: drop the key signing until now from the JWKS at once; every replica refuses its tokens within a second'),
  })
  .refine((b) => !b.revokePrevious || b.immediate, {
    message: 'revokePrevious needs immediate: true (something must sign once the old key is gone)',
    path: ['revokePrevious'],
  })
  .default({ immediate: false, revokePrevious: false });

@ApiTags('admin')
@Controller('api/v1/admin/keys')
@Authenticated({ permission: 'admin' })
export class KeysController {
  constructor(private readonly keys: SigningKeys) {}

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Adds a signing key: published at once, signing after the pre-publication delay (or at once when immediate); revokePrevious drops a compromised key at once.',
  })
  @ApiJsonResponse(200, keyRotationSchema, 'The new key and its schedule.')
  rotate(@ValidBody(rotateBody) body: z.infer<typeof rotateBody>, @Ctx() ctx: RequestContext): Promise<KeyRotation> {
    return this.keys.rotate(body, ctx);
  }
}
