import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'behalf:public';

/**
 * Marks a route as deliberately reachable without credentials. Every other route will require an
 * authenticated principal once the global authentication guard exists: deny by default.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
