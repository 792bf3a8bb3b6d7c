import { keySchedule } from './key-schedule';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const key = (kid: string, created: number, activates: number) => ({ kid, createdAt: at(created), activatesAt: at(activates) });
const OVERLAP = 120 * 60_000;
const kids = (ks: { kid: string }[]) => ks.map((k) => k.kid);

describe(keySchedule.name, () => {
  const a = key('a', 0, 0);
  const b = key('b', 60, 70); // rotated at 60 with a 10-minute pre-publication delay

  it('signs with the only key and publishes it', () => {
    const s = keySchedule([a], at(5), OVERLAP);
    expect(s.signing?.kid).toBe('a');
    expect(kids(s.published)).toEqual(['a']);
  });

  it('publishes a rotated-in key at once but signs with it only from its activation', () => {
    expect(keySchedule([a, b], at(61), OVERLAP).signing?.kid).toBe('a');
    expect(kids(keySchedule([a, b], at(61), OVERLAP).published)).toEqual(['a', 'b']);
    expect(keySchedule([a, b], at(70), OVERLAP).signing?.kid).toBe('b');
  });

  it('keeps the retired key published for the overlap after its successor activates, then drops it', () => {
    expect(kids(keySchedule([b, a], at(70 + 119), OVERLAP).published)).toEqual(['a', 'b']);
    expect(kids(keySchedule([b, a], at(70 + 120), OVERLAP).published)).toEqual(['b']);
    expect(keySchedule([a, b], at(0), OVERLAP).retiresAt.get('a')).toEqual(at(70));
  });

  it('lets a key rotated in before the pending one activates take over in order', () => {
    const c = key('c', 65, 75);
    const s = keySchedule([a, b, c], at(72), OVERLAP);
    expect(s.signing?.kid).toBe('b');
    expect(kids(s.published)).toEqual(['a', 'b', 'c']);
    expect(keySchedule([a, b, c], at(75), OVERLAP).signing?.kid).toBe('c');
    expect(kids(keySchedule([a, b, c], at(75 + 120), OVERLAP).published)).toEqual(['c']);
  });

  it('has no signing key before the first one activates', () => {
    expect(keySchedule([b], at(65), OVERLAP).signing).toBeUndefined();
  });
});
