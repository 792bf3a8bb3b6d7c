import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether the request is a write whose route does not carry the flag `key` (a method or
 * controller decorator): the writes an interceptor about writes must handle.
 */
export function isUnflaggedWrite(context: ExecutionContext, reflector: Reflector, key: string): boolean {
  if (READS.has(context.switchToHttp().getRequest<FastifyRequest>().method)) return false;
  return !reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]);
}
