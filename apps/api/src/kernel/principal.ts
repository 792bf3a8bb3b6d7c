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
    | { kind: 'backend_token'; webappId: string; runId: string; tokenId: string }
    /**
     * A webapp backend acting as a viewer with an impersonation access token: the principal is
     * the viewer, with exactly the viewer's rights; `actor` is the run identity that acts.
     */
    | {
        kind: 'impersonation';
        webappId: string;
        runId: string;
        tokenId: string;
        actor: { userId: string; login: string; permissions: ReadonlySet<Permission> };
      };
}

/** How a principal authenticated: a person (session, API key) or webapp code (the two tokens). */
export type CredentialKind = Principal['via']['kind'];

/** The webapp a principal calls from, when it is a webapp backend (acting as itself or as a viewer). */
export function webappOf(principal: Principal | undefined): string | undefined {
  const via = principal?.via;
  return via?.kind === 'backend_token' || via?.kind === 'impersonation' ? via.webappId : undefined;
}

/** Credentials that a token cannot mint: a backend or impersonation token stays short-lived. */
export function isTokenPrincipal(principal: Principal): boolean {
  return principal.via.kind === 'backend_token' || principal.via.kind === 'impersonation';
}

/** Admins may do everything; others need the permission itself. */
export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has('admin') || principal.permissions.has(permission);
}

/** The principal passport attached to the request, if any. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as FastifyRequest & { user?: Principal }).user;
}
