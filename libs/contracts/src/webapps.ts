export const WEBAPP_KINDS = ['dash', 'streamlit', 'shiny', 'bokeh', 'flask', 'express', 'standard'] as const;
export type WebappKind = (typeof WEBAPP_KINDS)[number];

/** A user as a webapp names them (owner, last modifier): kept when the user is deleted. */
export interface UserSummary {
  id: string;
  login: string;
}

/**
 * What the runtime launches: a container image, a repository at a ref, or an uploaded bundle.
 * Only edits of it (and of `kind`, how it is launched) make the editor the last modifier.
 */
export type WebappSource = { type: 'image'; image: string } | { type: 'git'; repository: string; ref: string } | { type: 'bundle'; bundleId: string };

export const WEBAPP_SOURCE_TYPES = ['image', 'git', 'bundle'] as const;

export interface Webapp {
  id: string;
  name: string;
  /** Its origin at the gateway is `<slug>.<apps domain>`: unique, one DNS label, editable by its managers. */
  slug: string;
  /** Where viewers open it: its origin at the gateway. */
  url: string;
  kind: WebappKind;
  /** What the runtime launches; null until set. */
  source: WebappSource | null;
  description: string;
  /** May edit the webapp and its settings, with admins. */
  owner: UserSummary;
  /** Whoever last changed what it runs (`source`, `kind`): its default run-as user. */
  lastModifiedBy: UserSummary;
  createdAt: string;
  updatedAt: string;
}

export const IDENTITY_MODES = ['run_as_user', 'starter'] as const;
export type IdentityMode = (typeof IDENTITY_MODES)[number];

export const WEBAPP_ACCESS = ['public', 'authenticated', 'restricted'] as const;
export type WebappAccess = (typeof WEBAPP_ACCESS)[number];

/** A webapp's security settings (DESIGN.md, "Webapp settings"). */
export interface WebappSettings {
  /** `run_as_user`: runs as `runAsUserId`, else the last modifier. `starter`: runs as whoever starts it. */
  identityMode: IdentityMode;
  /** null: the last modifier. Only an admin may name someone other than themselves. */
  runAsUserId: string | null;
  /** An admin chose `runAsUserId`: only then may the webapp run as someone holding a permission its starter lacks. */
  runAsPinnedByAdmin: boolean;
  /** `public`: anyone, even anonymous; `authenticated`: any user; `restricted`: `viewers`, the owner and admins. */
  access: WebappAccess;
  /** Who may view a `restricted` webapp: user ids and group ids. */
  viewers: { users: string[]; groups: string[] };
  /** When on (or the global setting is), no secret and no token reaches the backend through auth info. */
  hideAccessTokens: boolean;
  /** When off, runs get no dataset mounts and read data through the dataset API. */
  mountDatasets: boolean;
  /** How a proxy tells the backend who views: a username header, a signed identity token, or both. */
  identityPropagation: { header: boolean; jwt: boolean };
  /** May the backend obtain impersonation tokens for its viewers (token exchange)? */
  allowImpersonation: boolean;
  /**
   * Which of a viewer's secrets the webapp may receive, and then only those each viewer consented
   * to; null means all. Only admins widen it.
   */
  secretNames: string[] | null;
}

export const RUN_AS_SOURCES = ['explicit', 'last_modifier', 'starter'] as const;
export type RunAsSource = (typeof RUN_AS_SOURCES)[number];

/** Who a webapp runs as, and why. */
export interface RunIdentity {
  userId: string;
  login: string;
  source: RunAsSource;
}

/** `GET /api/v1/webapps/:id/settings`: the settings and what they resolve to now. */
export interface WebappSettingsView extends WebappSettings {
  /** Whom a run started now would run as (in `starter` mode: the caller), and whether they can. */
  effectiveRunAs: RunIdentity & {
    status: 'active' | 'disabled' | 'deleted';
    /** The identity's permissions, and in words why the webapp runs as them and who may start it so. */
    permissions: string[];
    explanation: string;
  };
  /** The webapp's own setting or the global one. */
  effectiveHideAccessTokens: boolean;
}

/** One dataset a run gets mounted (when `mountDatasets` is on). */
export interface LaunchMount {
  datasetId: string;
  name: string;
  path: string;
  mode: 'ro' | 'rw';
}

export interface WebappRun {
  id: string;
  webappId: string;
  identity: RunIdentity;
  startedBy: UserSummary;
  upstreamUrl: string | null;
  status: 'active' | 'stopped';
  startedAt: string;
  stoppedAt: string | null;
  /** Why it stopped: `stopped` (asked to), `max_lifetime`, or the authority it lost (`starter_disabled`, …). */
  stopReason: string | null;
  /** When it stops at the latest (the maximum run lifetime). */
  endsAt: string;
}

/** The launch spec `POST /api/v1/webapps/:id/runs` answers: what the runtime starts the backend with. */
export interface StartedRun {
  runId: string;
  identity: RunIdentity;
  /** What to launch. */
  source: WebappSource | null;
  backendToken: string;
  expiresAt: string;
  env: { BEHALF_URL: string; BEHALF_WEBAPP_ID: string; BEHALF_RUN_ID: string; BEHALF_BACKEND_TOKEN: string };
  mounts: LaunchMount[];
}

/** `POST /api/v1/webapps/:id/runs/:runId/refresh`. */
export interface RefreshedBackendToken {
  backendToken: string;
  expiresAt: string;
}

/**
 * Secret names a webapp's manager asked an admin to let it receive (only admins widen
 * `secretNames`); pending until an admin approves them (by widening) or declines.
 */
export interface SecretNameRequest {
  webappId: string;
  webappName: string;
  /** The names asked for that the webapp may not receive yet. */
  names: string[];
  requestedBy: { id: string | null; login: string };
  requestedAt: string;
}
