import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'behalf:public';

/**
 * Marks a route as deliberately reachable without credentials. Every other route requires an
 * authenticated principal (the global `AuthenticationGuard`): deny by default.
 */
export const Public = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-behalf-permission', 'public'));
