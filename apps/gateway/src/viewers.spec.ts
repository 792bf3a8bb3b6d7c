import type { GatewayRoute, GatewayViewer } from '@behalf/contracts';
import type { ApiClient } from './api-client';
import { ViewerCache } from './viewers';

const RECHECK_MS = 2_000;
const ALICE = { id: 'u-alice', login: 'alice', displayName: 'Alice', email: null, groups: [] };

function route(access: GatewayRoute['access'] = 'authenticated'): GatewayRoute {
  return { webappId: 'w1', slug: 'board', access, identityPropagation: { header: true, jwt: false }, run: null };
}

/** An API to which every gateway session is dead, and which lets the anonymous viewer view. */
function deadSessionApi() {
  return {
    viewer: async (_w: string, session: string | undefined): Promise<GatewayViewer> =>
      session ? { decision: 'login', reason: 'session_ended' } : { decision: 'allow', viewer: null },
  } as unknown as ApiClient;
}

/** An API whose answers the test releases one by one. */
function scriptedApi() {
  const calls: { session: string | undefined; active: boolean; resolve: (v: GatewayViewer) => void; reject: (e: Error) => void }[] = [];
  const api = {
    viewer: (_webappId: string, session: string | undefined, _identityToken: boolean, active: boolean) =>
      new Promise<GatewayViewer>((resolve, reject) => {
        calls.push({ session, active, resolve, reject });
      }),
  } as unknown as ApiClient;
  return { api, calls };
}

const settle = () => new Promise((r) => setImmediate(r));

describe(ViewerCache.name, () => {
  let now: number;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('asks the API once for concurrent requests of one viewer, and holds nothing while it asks', async () => {
    const { api, calls } = scriptedApi();
    const cache = new ViewerCache(api, RECHECK_MS);
    const answers = Promise.all([cache.decide('s1', route()), cache.decide('s1', route()), cache.decide('s1', route())]);
    await settle();
    expect(calls).toHaveLength(1);
    // No stand-in decision ("login") for a websocket judge to act on before the API answered.
    expect(cache.peek('s1', 'w1')).toBeUndefined();
    calls[0].resolve({ decision: 'allow', viewer: ALICE });
    expect((await answers).map((a) => a.decision)).toEqual(['allow', 'allow', 'allow']);
    expect(cache.peek('s1', 'w1')).toEqual({ decision: 'allow', stale: false });
  });

  it('holds no decision when the API fails, and asks again next time (failing closed meanwhile)', async () => {
    const { api, calls } = scriptedApi();
    const cache = new ViewerCache(api, RECHECK_MS);
    const first = cache.decide('s1', route());
    await settle();
    calls[0].reject(new Error('API down'));
    await expect(first).rejects.toThrow('API down');
    expect(cache.peek('s1', 'w1')).toBeUndefined();
    const second = cache.decide('s1', route());
    await settle();
    expect(calls).toHaveLength(2);
    calls[1].resolve({ decision: 'forbid' });
    expect((await second).decision).toBe('forbid');
  });

  it('uses a fresh decision as it is, a stale one while asking again in the background, and waits on an old one', async () => {
    const { api, calls } = scriptedApi();
    const cache = new ViewerCache(api, RECHECK_MS);
    const first = cache.decide('s1', route());
    await settle();
    calls[0].resolve({ decision: 'allow', viewer: ALICE });
    await first;
    now += RECHECK_MS - 1;
    expect((await cache.decide('s1', route())).decision).toBe('allow');
    expect(calls).toHaveLength(1);
    now += 2;
    // Stale: answered from the held decision, refreshed behind it.
    expect((await cache.decide('s1', route())).decision).toBe('allow');
    expect(calls).toHaveLength(2);
    calls[1].resolve({ decision: 'login', reason: 'session_ended' });
    await settle();
    expect(cache.peek('s1', 'w1')).toEqual({ decision: 'login', stale: false });
    now += 2 * RECHECK_MS;
    const waiting = cache.decide('s1', route());
    await settle();
    expect(calls).toHaveLength(3);
    calls[2].resolve({ decision: 'allow', viewer: ALICE });
    expect((await waiting).decision).toBe('allow');
  });

  it('takes a dead session on a public webapp for the anonymous viewer and drops its cookie; elsewhere it is a sign-in', async () => {
    const cache = new ViewerCache(deadSessionApi(), RECHECK_MS);
    expect(await cache.decideForRequest('dead', route('public'))).toMatchObject({ decision: 'allow', viewer: null, session: undefined, dropSession: true });
    expect(await cache.decideForRequest('dead', route('authenticated'))).toMatchObject({ decision: 'login', session: 'dead', dropSession: false });
    expect(await cache.decideForRequest(undefined, route('public'))).toMatchObject({ decision: 'allow', viewer: null, dropSession: false });
  });

  it('tells the API whether the viewer did something since the last ask: requests and messages do, the websocket re-checks do not', async () => {
    const { api, calls } = scriptedApi();
    const cache = new ViewerCache(api, RECHECK_MS);
    const first = cache.decideForRequest('s1', route());
    await settle();
    expect(calls[0].active).toBe(true);
    calls[0].resolve({ decision: 'allow', viewer: ALICE });
    await first;
    // A quiet open websocket: the re-check alone is not the viewer's activity.
    now += RECHECK_MS;
    void cache.decide('s1', route());
    await settle();
    expect(calls[1].active).toBe(false);
    calls[1].resolve({ decision: 'allow', viewer: ALICE });
    await settle();
    // A websocket message, then the next re-check reports it, once.
    cache.seen('s1', 'w1');
    now += RECHECK_MS;
    void cache.decide('s1', route());
    await settle();
    expect(calls[2].active).toBe(true);
    // An ask that fails keeps the activity for the next one.
    calls[2].reject(new Error('API down'));
    await settle();
    now += 2 * RECHECK_MS;
    void cache.decide('s1', route()).catch(() => undefined);
    await settle();
    expect(calls[3].active).toBe(true);
    calls[3].resolve({ decision: 'allow', viewer: ALICE });
    await settle();
    now += RECHECK_MS;
    void cache.decide('s1', route());
    await settle();
    expect(calls[4].active).toBe(false);
    // A request answered from a fresh decision is reported at the next ask.
    calls[4].resolve({ decision: 'allow', viewer: ALICE });
    await settle();
    await cache.decideForRequest('s1', route());
    expect(calls).toHaveLength(5);
    now += RECHECK_MS;
    void cache.decide('s1', route());
    await settle();
    expect(calls[5].active).toBe(true);
  });

  it('keeps activity only on a held decision (nothing for a viewer it holds none of), and reports what happens during an ask at the next one', async () => {
    const { api, calls } = scriptedApi();
    const cache = new ViewerCache(api, RECHECK_MS);
    // Nothing held for s2: a message is not remembered apart from a decision.
    cache.seen('s2', 'w1');
    void cache.decide('s2', route());
    await settle();
    expect(calls[0]).toMatchObject({ session: 's2', active: false });
    calls[0].resolve({ decision: 'allow', viewer: ALICE });
    await settle();
    // A re-check goes out; while it is out, the viewer acts.
    now += RECHECK_MS;
    void cache.decide('s2', route());
    await settle();
    expect(calls[1].active).toBe(false);
    cache.seen('s2', 'w1');
    calls[1].resolve({ decision: 'allow', viewer: ALICE });
    await settle();
    now += RECHECK_MS;
    void cache.decide('s2', route());
    await settle();
    expect(calls[2].active).toBe(true);
  });

  it('answers a request from a fresh held decision at once, with one shared answer, and only then', async () => {
    const { api, calls } = scriptedApi();
    const cache = new ViewerCache(api, RECHECK_MS);
    const jwt = { ...route(), identityPropagation: { header: true, jwt: true } };
    // Nothing held yet: the request has to ask.
    expect(cache.heldForRequest('s1', jwt)).toBeUndefined();
    const first = cache.decideForRequest('s1', jwt);
    await settle();
    calls[0].resolve({ decision: 'allow', viewer: ALICE, identityToken: { token: 'jwt-1', expiresAt: new Date(now + 60_000).toISOString() } });
    const asked = await first;
    const held = cache.heldForRequest('s1', jwt);
    // The same frozen object every time: answering a request allocates nothing.
    expect(held).toBe(asked);
    expect(cache.heldForRequest('s1', jwt)).toBe(held);
    expect(Object.isFrozen(held)).toBe(true);
    expect(held).toEqual({ decision: 'allow', reason: undefined, viewer: ALICE, identityToken: 'jwt-1', session: 's1', dropSession: false });
    // Another viewer's session is not answered from it.
    expect(cache.heldForRequest('s2', jwt)).toBeUndefined();
    // An identity token about to expire is not sent from the held decision.
    now += 31_000;
    expect(cache.heldForRequest('s1', jwt)).toBeUndefined();
    now -= 31_000;
    // A stale decision is not answered at once.
    now += RECHECK_MS;
    expect(cache.heldForRequest('s1', jwt)).toBeUndefined();
    // Nor after a change was heard.
    now -= RECHECK_MS;
    cache.invalidateAll();
    expect(cache.heldForRequest('s1', jwt)).toBeUndefined();
    // The request answered at once counted as the viewer's activity: the next ask reports it.
    void cache.decide('s1', jwt);
    await settle();
    expect(calls[1].active).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('leaves a dead session on a public webapp to decideForRequest (the anonymous viewer, cookie dropped)', async () => {
    const cache = new ViewerCache(deadSessionApi(), RECHECK_MS);
    await cache.decideForRequest('dead', route('public'));
    expect(cache.heldForRequest('dead', route('public'))).toBeUndefined();
    expect(await cache.decideForRequest('dead', route('public'))).toMatchObject({ viewer: null, session: undefined, dropSession: true });
    // Elsewhere the held sign-in answers at once.
    await cache.decideForRequest('dead', { ...route('authenticated'), webappId: 'w2' });
    expect(cache.heldForRequest('dead', { ...route('authenticated'), webappId: 'w2' })).toMatchObject({ decision: 'login', session: 'dead' });
  });
});
