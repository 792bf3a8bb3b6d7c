import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ProblemError } from '../../kernel/problem';
import { Principal, principalOf } from '../../kernel/principal';

/** The authenticated caller. Fails closed: a route using it without authentication is a 401. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<FastifyRequest>());
  if (!principal) throw new ProblemError('unauthenticated', 'This request needs an authenticated caller.');
  return principal;
});
