import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtension } from '@nestjs/swagger';
import type { Permission } from '@behalf/contracts';
import { ApiProblems } from '../http/api-problems.decorator';

export const REQUIRED_PERMISSION = 'behalf:permission';

/**
 * Declares who may call a route: any authenticated principal, or one holding `permission`
 * (admins hold every permission). Also documents the security schemes and the 401/403 problems.
 * Routes without it (and without `@Public()`) still require authentication: deny by default.
 */
export function Authenticated(options: { permission?: Permission } = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_PERMISSION, options.permission ?? null),
    ApiBearerAuth('api-key'),
    ApiCookieAuth('session'),
    ApiExtension('x-behalf-permission', options.permission ?? 'authenticated'),
    ApiProblems('unauthenticated', 'forbidden'),
  );
}
