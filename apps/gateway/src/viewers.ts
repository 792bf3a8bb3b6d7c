import type { GatewayRoute, GatewayViewer } from '@behalf/contracts';
import { ApiClient } from './api-client';

/** An identity token is replaced this long before it expires. */
const TOKEN_MARGIN_MS = 30_000;
/** A held identity token is still sent while a new one is fetched if it lives this much longer. */
const STALE_TOKEN_MARGIN_MS = 5_000;
const MAX_ENTRIES = 50_000;

const keyOf = (webappId: string, session: string | undefined) => `${webappId}|${session ?? ''}`;

interface Entry {
  decision: GatewayViewer;
  /** When the API last answered for this viewer and webapp; 0: stale (a change was heard). */
  checkedAt: number;
  token?: { value: string; expiresAt: number };
  /** The viewer did something since the API was last asked (reported, and cleared, at the next ask). */
  active?: boolean;
}

/** What the gateway knows of one viewer of one webapp. */
export interface ViewerDecision {
  decision: GatewayViewer['decision'];
  reason?: string;
  viewer: GatewayViewer['viewer'];
  identityToken?: string;
}

/**
 * Decisions per (gateway session, webapp), asked of the API at most once per `recheckMs` (sooner
 * after any change the route feed reports), one request in flight per key; identity tokens are
 * kept until shortly before they expire. A decision younger than `recheckMs` is used as it is;
 * one up to twice that old is used while a fresh one is asked for in the background (so no
 * request waits on the API, and the tail latency stays the proxy's); an older one waits for the
 * API's answer (and fails closed when the API cannot answer). So a revoked viewer is refused
 * within twice `recheckMs` plus one API round trip (4 s by default), and the API is asked about
 * each active viewer about once per `recheckMs`, not per request.
 *
 * Each ask also says whether the viewer did something since the last one (a request, a websocket
 * message: {@link seen}); only then does the API mark their Behalf session seen. The re-checks of
 * open websockets alone do not, so a quiet tab lets the session idle out like any other, and its
 * websockets are then closed as signed out.
 */
export class ViewerCache {
  private readonly entries = new Map<string, Entry>();
  /** The API request in flight per key: concurrent requests for the same key wait for its one answer. */
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(
    private readonly api: ApiClient,
    private readonly recheckMs: number,
  ) {}

  /** Something changed: every decision is asked again at its next use (answered from the held one meanwhile). */
  invalidateAll(): void {
    const stale = Date.now() - this.recheckMs;
    for (const entry of this.entries.values()) entry.checkedAt = Math.min(entry.checkedAt, stale);
  }

  /**
   * The viewer of `session` did something on the webapp (a websocket message): kept on its held
   * decision, so it goes when the decision does.
   */
  seen(session: string | undefined, webappId: string): void {
    const entry = session === undefined ? undefined : this.entries.get(keyOf(webappId, session));
    if (entry) entry.active = true;
  }

  /** `active`: this is the viewer's own request (an HTTP request, a websocket handshake). */
  async decide(session: string | undefined, route: GatewayRoute, active = false): Promise<ViewerDecision> {
    const key = keyOf(route.webappId, session);
    const now = Date.now();
    let entry = this.entries.get(key);
    // Kept on the held decision; a viewer with none yet is reported by the ask this makes.
    const firstAsk = active && session !== undefined && !entry;
    if (active && entry && session !== undefined) entry.active = true;
    const wantToken = route.identityPropagation.jwt;
    const tokenFor = (marginMs: number) =>
      !wantToken || entry?.decision.decision !== 'allow' || (entry.token !== undefined && entry.token.expiresAt - marginMs > now);
    const age = entry ? now - entry.checkedAt : Infinity;
    if (entry && age < this.recheckMs && tokenFor(TOKEN_MARGIN_MS)) {
      // Fresh.
    } else if (entry && entry.checkedAt > 0 && age < 2 * this.recheckMs && tokenFor(STALE_TOKEN_MARGIN_MS)) {
      this.refresh(key, session, route, entry, firstAsk).catch(() => undefined);
    } else {
      entry = await this.refresh(key, session, route, entry, firstAsk);
    }
    return { decision: entry.decision.decision, reason: entry.decision.reason, viewer: entry.decision.viewer ?? null, identityToken: entry.token?.value };
  }

  /**
   * The decision for a request carrying the gateway session `session` (its cookie, if any), for
   * HTTP and websockets alike: a dead session on a public webapp is the anonymous viewer, and the
   * cookie is to be dropped; anywhere else it is a sign-in.
   */
  async decideForRequest(session: string | undefined, route: GatewayRoute): Promise<ViewerDecision & { session: string | undefined; dropSession: boolean }> {
    const decision = await this.decide(session, route, true);
    if (decision.decision === 'login' && route.access === 'public' && session !== undefined) {
      return { ...(await this.decide(undefined, route)), session: undefined, dropSession: true };
    }
    return { ...decision, session, dropSession: false };
  }

  /** The decision held now, without asking (open websockets are judged by it). */
  peek(session: string | undefined, webappId: string): { decision: GatewayViewer['decision']; stale: boolean } | undefined {
    const entry = this.entries.get(keyOf(webappId, session));
    return entry && { decision: entry.decision.decision, stale: Date.now() - entry.checkedAt >= this.recheckMs };
  }

  private refresh(key: string, session: string | undefined, route: GatewayRoute, previous: Entry | undefined, firstAsk: boolean): Promise<Entry> {
    const inflight = this.inflight.get(key);
    if (inflight) return inflight;
    const now = Date.now();
    const needToken = route.identityPropagation.jwt && !(previous?.token && previous.token.expiresAt - TOKEN_MARGIN_MS > now);
    // Reported now; whatever the viewer does while the API answers is reported next time.
    const active = firstAsk || previous?.active === true;
    if (previous) previous.active = false;
    const pending = this.api
      .viewer(route.webappId, session, needToken, active)
      .then((decision) => {
        const sameViewer = previous?.decision.viewer?.id === decision.viewer?.id;
        const token = decision.identityToken
          ? { value: decision.identityToken.token, expiresAt: Date.parse(decision.identityToken.expiresAt) }
          : decision.decision === 'allow' && sameViewer
            ? previous?.token
            : undefined;
        const entry: Entry = { decision, checkedAt: Date.now(), token, active: previous?.active };
        this.entries.delete(key);
        this.entries.set(key, entry);
        if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
        return entry;
      })
      .catch((error: unknown) => {
        // Not reported: said again at the next ask.
        if (active && previous) previous.active = true;
        throw error;
      })
      .finally(() => this.inflight.delete(key));
    // Only decisions the API gave are held: nothing stands in for one while it is asked for.
    this.inflight.set(key, pending);
    return pending;
  }
}
