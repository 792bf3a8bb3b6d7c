import type { Permission } from '@behalf/contracts';
import type { FastifyRequest } from 'fastify';

/** Who is calling, as established by one authentication strategy. */
export interface Principal {
  userId: string;
  login: string;
  permissions: ReadonlySet<Permission>;
  /** How the caller authenticated: decides, for one, whether CSRF protection applies. */
  via: { kind: 'session'; sessionId: string; csrfHash: string } | { kind: 'api_key'; apiKeyId: string };
}

/** Admins may do everything; others need the permission itself. */
export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has('admin') || principal.permissions.has(permission);
}

/** The principal passport attached to the request, if any. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as FastifyRequest & { user?: Principal }).user;
}
