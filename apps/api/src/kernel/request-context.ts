import { isIP } from 'node:net';
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
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  return `${expandIpv6(ip).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, without zone, each as written (leading zeros dropped). */
function expandIpv6(ip: string): string[] {
  const [head, tail = ''] = ip.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const fill = ip.includes('::') ? Array(8 - left.length - right.length).fill('0') : [];
  return [...left, ...fill, ...right].map((g) => (g.replace(/^0+/, '') || '0').toLowerCase());
}

export function requestContextOf(request: FastifyRequest): RequestContext {
  return { requestId: request.id, clientIp: request.ip, principal: principalOf(request) };
}

/** Parameter decorator: the {@link RequestContext} of the current request. */
export const Ctx = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext =>
  requestContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
