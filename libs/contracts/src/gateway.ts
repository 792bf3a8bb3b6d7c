import type { WebappAccess } from './webapps';

/** One webapp as the gateway routes it (`GET /api/v1/gateway/routes`). */
export interface GatewayRoute {
  webappId: string;
  /** Its origin is `<slug>.<apps domain>`. */
  slug: string;
  access: WebappAccess;
  identityPropagation: { header: boolean; jwt: boolean };
  /** The live run the gateway forwards to (the newest one that reported its upstream); null: not running. */
  run: { id: string; upstreamUrl: string } | null;
}

export interface GatewayRoutes {
  /** Opaque: sent back as `after`, the request waits for the next change. */
  version: string;
  routes: GatewayRoute[];
}

/** `POST /api/v1/gateway/viewers`: who a gateway session's viewer is, for one webapp. */
export interface GatewayViewerRequest {
  webappId: string;
  /** The gateway session token (from the code grant); absent: an anonymous viewer. */
  session?: string;
  /** Also issue an identity token for this viewer and webapp. */
  identityToken?: boolean;
  /**
   * The viewer did something since the gateway last asked (an HTTP request, a websocket message):
   * only then is their Behalf session marked seen. The gateway's background re-checks of open
   * websockets say false, so a quiet tab does not keep a session from idling out.
   */
  active?: boolean;
}

/** The viewer as the gateway tells the backend (X-Behalf-User, -User-Id, -Email, -Groups). */
export interface GatewayViewerIdentity {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  /** Group names. */
  groups: string[];
}

export interface GatewayViewer {
  /** `allow`: forward; `login`: no live session, sign in; `forbid`: this user may not view the webapp. */
  decision: 'allow' | 'login' | 'forbid';
  /** Why not, for `login` and `forbid`. */
  reason?: string;
  /** With `allow`: the viewer, or null for an anonymous viewer of a public webapp. */
  viewer?: GatewayViewerIdentity | null;
  identityToken?: { token: string; expiresAt: string };
}

/** The header names the gateway sets on every proxied request (and removes when a client sends them). */
export const GATEWAY_IDENTITY_HEADERS = {
  user: 'x-behalf-user',
  userId: 'x-behalf-user-id',
  groups: 'x-behalf-groups',
  email: 'x-behalf-email',
  identity: 'x-behalf-identity',
} as const;
