import type { Permission } from '@behalf/contracts';
import type { FastifyRequest } from 'fastify';

/** Who is calling, as established by one authentication strategy. */
export interface Principal {
  userId: string;
  login: string;
  permissions: ReadonlySet<Permission>;
  /** How the caller authenticated: decides, for one, whether CSRF protection applies. */
  via:
    | { kind: 'session'; sessionId: string; csrfHash: string }
    | { kind: 'api_key'; apiKeyId: string }
    /** A webapp backend: acts as its run's identity, with the webapp and run attached. */
    | { kind: 'backend_token'; webappId: string; runId: string; tokenId: string };
}

/** The webapp a principal calls from, when it is a webapp backend. */
export function webappOf(principal: Principal | undefined): string | undefined {
  return principal?.via.kind === 'backend_token' ? principal.via.webappId : undefined;
}

/** Admins may do everything; others need the permission itself. */
export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has('admin') || principal.permissions.has(permission);
}

/** The principal passport attached to the request, if any. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as FastifyRequest & { user?: Principal }).user;
}
