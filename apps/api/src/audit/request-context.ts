import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal, principalOf } from '../auth/principal';

/** What services need to know about the request they serve: for audit records and decisions. */
export interface RequestContext {
  requestId: string;
  clientIp: string;
  principal?: Principal;
}

export function requestContextOf(request: FastifyRequest): RequestContext {
  return { requestId: request.id, clientIp: request.ip, principal: principalOf(request) };
}

/** Parameter decorator: the {@link RequestContext} of the current request. */
export const Ctx = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext =>
  requestContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
