import ipaddr from 'ipaddr.js';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal, principalOf } from './principal';

/** What services need to know about the request they serve: for audit records and decisions. */
export interface RequestContext {
  requestId: string;
  clientIp: string;
  principal?: Principal;
}

/**
 * The unit throttles and aggregates count a client address by: the address itself for IPv4
 * (IPv4-mapped IPv6 included), the /64 prefix for IPv6, since one host commonly holds a whole
 * /64 and could otherwise rotate through addresses at will.
 */
export function clientSource(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${address.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}

export function requestContextOf(request: FastifyRequest): RequestContext {
  return { requestId: request.id, clientIp: request.ip, principal: principalOf(request) };
}

/** Parameter decorator: the {@link RequestContext} of the current request. */
export const Ctx = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext =>
  requestContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
