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
  /** This entry's answer to its viewer's requests, made once: answering a request allocates nothing. */
  answer?: RequestDecision;
}

/** What the gateway knows of one viewer of one webapp. */
export interface ViewerDecision {
  decision: GatewayViewer['decision'];
  reason?: string;
  viewer: GatewayViewer['viewer'];
  identityToken?: string;
}

/** What the gateway does with one request of a viewer: their decision, and the session it goes on with. */
export interface RequestDecision extends ViewerDecision {
  /** The gateway session the request goes on with: none when there was none, or it was dropped. */
  session: string | undefined;
  /** The request's session is dead and its cookie to be cleared (a public webapp's anonymous viewer). */
  dropSession: boolean;
}

/** The decision held for a request, shared by every request it answers (so frozen). */
function answerOf(entry: Entry, session: string | undefined): RequestDecision {
  entry.answer ??= Object.freeze({
    decision: entry.decision.decision,
    reason: entry.decision.reason,
    viewer: entry.decision.viewer ?? null,
    identityToken: entry.token?.value,
    session,
    dropSession: false,
  });
  return entry.answer;
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
  async decide(session: string | undefined, route: GatewayRoute, active = false): Promise<RequestDecision> {
    const key = keyOf(route.webappId, session);
    const now = Date.now();
    let entry = this.entries.get(key);
    // Kept on the held decision; a viewer with none yet is reported by the ask this makes.
    const firstAsk = active && session !== undefined && !entry;
    if (active && entry && session !== undefined) entry.active = true;
    if (entry && this.usable(entry, route, now, this.recheckMs, TOKEN_MARGIN_MS)) {
      // Fresh.
    } else if (entry && entry.checkedAt > 0 && this.usable(entry, route, now, 2 * this.recheckMs, STALE_TOKEN_MARGIN_MS)) {
      this.refresh(key, session, route, entry, firstAsk).catch(() => undefined);
    } else {
      entry = await this.refresh(key, session, route, entry, firstAsk);
    }
    return answerOf(entry, session);
  }

  /**
   * The fresh decision held for a request carrying the gateway session `session`, without asking
   * and without allocating (the proxy's hot path); undefined when {@link decideForRequest} has to
   * be asked instead. Counts as the viewer's activity, like that.
   */
  heldForRequest(session: string | undefined, route: GatewayRoute): RequestDecision | undefined {
    const entry = this.entries.get(keyOf(route.webappId, session));
    if (!entry || !this.usable(entry, route, Date.now(), this.recheckMs, TOKEN_MARGIN_MS)) return undefined;
    // A dead session on a public webapp: decideForRequest turns it into the anonymous viewer.
    if (entry.decision.decision === 'login' && route.access === 'public' && session !== undefined) return undefined;
    if (session !== undefined) entry.active = true;
    return answerOf(entry, session);
  }

  /**
   * The decision for a request carrying the gateway session `session` (its cookie, if any), for
   * HTTP and websockets alike: a dead session on a public webapp is the anonymous viewer, and the
   * cookie is to be dropped; anywhere else it is a sign-in.
   */
  async decideForRequest(session: string | undefined, route: GatewayRoute): Promise<RequestDecision> {
    const decision = await this.decide(session, route, true);
    if (decision.decision === 'login' && route.access === 'public' && session !== undefined) {
      return { ...(await this.decide(undefined, route)), session: undefined, dropSession: true };
    }
    return decision;
  }

  /** The decision held now, without asking (open websockets are judged by it). */
  peek(session: string | undefined, webappId: string): { decision: GatewayViewer['decision']; stale: boolean } | undefined {
    const entry = this.entries.get(keyOf(webappId, session));
    return entry && { decision: entry.decision.decision, stale: Date.now() - entry.checkedAt >= this.recheckMs };
  }

  /**
   * The entry may answer without asking: younger than `maxAgeMs`, and when the webapp wants identity
   * tokens, an allowed viewer's still lives `tokenMarginMs` longer.
   */
  private usable(entry: Entry, route: GatewayRoute, now: number, maxAgeMs: number, tokenMarginMs: number): boolean {
    if (now - entry.checkedAt >= maxAgeMs) return false;
    return !route.identityPropagation.jwt || entry.decision.decision !== 'allow' || (entry.token !== undefined && entry.token.expiresAt - tokenMarginMs > now);
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
