import type { RequestContext } from '../kernel/request-context';

/** Which live runs a change may have taken authority from. */
export type RunScope = { webappId: string } | { userIds: string[] } | 'all';

/**
 * What identity changes need of webapp runs, declared here (the lower domain) and provided by
 * the webapps domain, so neither imports the other in a loop. Called inside the change's
 * transaction: a run stopped for it, with its audit record, commits with the change.
 */
export interface RunAuthorityPort {
  /** Stops the live runs in `scope` whose starter may no longer start them (or that outlived their lifetime). */
  reconcile(scope: RunScope, ctx?: RequestContext): Promise<void>;
  /** Stops every live run a user started or runs as, for `reason` (their password was reset). */
  stopRunsOf(userId: string, reason: string, ctx?: RequestContext): Promise<void>;
}

export const RUN_AUTHORITY = Symbol('RUN_AUTHORITY');
