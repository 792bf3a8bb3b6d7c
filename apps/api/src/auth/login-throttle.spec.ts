import { LOGIN_THROTTLES } from './auth.config';
import { decideAttempt, ThrottleKind, ThrottleState } from './login-throttle';

const NOW = new Date('2030-01-01T00:00:00Z');
const fresh = (): ThrottleState => ({ failures: 0, windowStartedAt: NOW, lockedUntil: null });
const states = (over: Partial<Record<ThrottleKind, ThrottleState>> = {}) => ({ client: fresh(), pair: fresh(), account: fresh(), ...over });

/** Applies attempts one after the other, as the row locks serialise them. */
function run(attempts: number, start = states(), at = NOW) {
  let current = start;
  const results: boolean[] = [];
  for (let i = 0; i < attempts; i++) {
    const decision = decideAttempt(current, LOGIN_THROTTLES, at);
    results.push(decision.allowed);
    current = { ...current, ...decision.next };
  }
  return { results, current };
}

describe(decideAttempt.name, () => {
  it('lets exactly five attempts of one account from one source through, then locks that pair', () => {
    const { results, current } = run(40);
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(results.slice(0, 5)).toEqual([true, true, true, true, true]);
    expect(current.pair.lockedUntil).toEqual(new Date(NOW.getTime() + 15 * 60_000));
  });

  it('reports the attempt that sets the pair lock, once', () => {
    let current = states();
    const locked: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      const d = decideAttempt(current, LOGIN_THROTTLES, NOW);
      locked.push(!d.allowed && d.lockedNow);
      current = { ...current, ...d.next };
    }
    expect(locked.filter(Boolean)).toHaveLength(1);
  });

  it('does not lock the account for another source: a fresh pair counter is allowed', () => {
    const { current } = run(10);
    const elsewhere = decideAttempt({ ...current, pair: fresh(), client: fresh() }, LOGIN_THROTTLES, NOW);
    // The account-wide counter only slows down: at most a delay, never 15 minutes.
    if (!elsewhere.allowed) expect(elsewhere.retryAt.getTime() - NOW.getTime()).toBeLessThanOrEqual(LOGIN_THROTTLES.account.maxDelayMs);
    expect(elsewhere.allowed).toBe(true);
  });

  it('makes a distributed guesser wait growing delays, capped, after the free attempts', () => {
    const account: ThrottleState = { failures: 10, windowStartedAt: NOW, lockedUntil: null };
    const first = decideAttempt(states({ account }), LOGIN_THROTTLES, NOW);
    expect(first.allowed).toBe(true);
    expect(first.next.account?.lockedUntil).toEqual(new Date(NOW.getTime() + 2000));
    const later = decideAttempt(states({ account: { failures: 40, windowStartedAt: NOW, lockedUntil: null } }), LOGIN_THROTTLES, NOW);
    expect(later.next.account?.lockedUntil).toEqual(new Date(NOW.getTime() + LOGIN_THROTTLES.account.maxDelayMs));
    const waiting = decideAttempt(
      states({ account: { failures: 11, windowStartedAt: NOW, lockedUntil: new Date(NOW.getTime() + 1000) } }),
      LOGIN_THROTTLES,
      NOW,
    );
    expect(waiting).toMatchObject({ allowed: false, by: 'account', next: {} });
  });

  it('lets one source make fifty attempts, then locks it whatever accounts it tries', () => {
    let current = states();
    let allowed = 0;
    for (let i = 0; i < 120; i++) {
      const d = decideAttempt({ ...current, pair: fresh(), account: fresh() }, LOGIN_THROTTLES, NOW);
      if (d.allowed) allowed += 1;
      current = { ...current, client: d.next.client ?? current.client };
    }
    expect(allowed).toBe(50);
  });

  it('starts a window over once it has passed, and changes nothing when refusing under a lock', () => {
    const old: ThrottleState = { failures: 5, windowStartedAt: new Date(NOW.getTime() - 16 * 60_000), lockedUntil: null };
    const d = decideAttempt(states({ pair: old }), LOGIN_THROTTLES, NOW);
    expect(d.allowed).toBe(true);
    expect(d.next.pair).toEqual({ failures: 1, windowStartedAt: NOW, lockedUntil: null });
    const locked = decideAttempt(states({ client: { ...fresh(), lockedUntil: new Date(NOW.getTime() + 1) } }), LOGIN_THROTTLES, NOW);
    expect(locked).toEqual({ allowed: false, by: 'client', retryAt: new Date(NOW.getTime() + 1), next: {}, lockedNow: false });
  });
});

describe('a served lock', () => {
  it('starts the counter over once the lock has passed', () => {
    const { current } = run(6);
    const later = new Date(current.pair.lockedUntil!.getTime());
    const d = decideAttempt(current, LOGIN_THROTTLES, later);
    expect(d.allowed).toBe(true);
    expect(d.next.pair).toEqual({ failures: 1, windowStartedAt: later, lockedUntil: null });
  });
});
