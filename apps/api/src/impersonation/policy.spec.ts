import { decide, DecisionFacts } from './policy';

const now = new Date('2030-01-01T00:00:00Z');
const grant = { sourceGroup: { id: 'g1', name: 'G1' }, targetGroup: { id: 'g2', name: 'G2' }, reason: 'support', expiresAt: null };
function facts(overrides: Partial<DecisionFacts> = {}): DecisionFacts {
  return {
    actor: { id: 'a', login: 'a', active: true, admin: false },
    subject: { id: 's', login: 's', active: true, admin: false },
    grant,
    allowImpersonatingAdmins: false,
    ...overrides,
  };
}

describe(decide.name, () => {
  it('allows with an unexpired grant, and names it', () => {
    expect(decide(facts(), now)).toEqual({ allowed: true, reason: 'allowed', grant });
    const later = { ...grant, expiresAt: new Date('2030-01-01T00:00:01Z') };
    expect(decide(facts({ grant: later }), now)).toEqual({ allowed: true, reason: 'allowed', grant: later });
  });

  it('refuses without a grant, or with an expired one (expiry is exclusive)', () => {
    expect(decide(facts({ grant: undefined }), now)).toEqual({ allowed: false, reason: 'no_grant' });
    const expired = { ...grant, expiresAt: now };
    expect(decide(facts({ grant: expired }), now)).toEqual({ allowed: false, reason: 'grant_expired', grant: expired });
  });

  it('refuses a disabled actor or subject, the actor first', () => {
    const disabled = { id: 'x', login: 'x', active: false, admin: false };
    expect(decide(facts({ actor: disabled, subject: { ...disabled, id: 'y' } }), now).reason).toBe('actor_disabled');
    expect(decide(facts({ subject: disabled }), now).reason).toBe('subject_disabled');
  });

  it('allows impersonating oneself without a grant', () => {
    const me = { id: 'a', login: 'a', active: true, admin: true };
    expect(decide(facts({ actor: me, subject: me, grant: undefined }), now)).toEqual({ allowed: true, reason: 'self' });
  });

  it('refuses an admin subject unless the setting allows it and the actor is an admin', () => {
    const admin = { id: 's', login: 's', active: true, admin: true };
    expect(decide(facts({ subject: admin }), now).reason).toBe('subject_is_admin');
    expect(decide(facts({ subject: admin, allowImpersonatingAdmins: true }), now).reason).toBe('subject_is_admin');
    const adminActor = { id: 'a', login: 'a', active: true, admin: true };
    expect(decide(facts({ actor: adminActor, subject: admin }), now).reason).toBe('subject_is_admin');
    expect(decide(facts({ actor: adminActor, subject: admin, allowImpersonatingAdmins: true }), now).reason).toBe('allowed');
    // The setting lifts the admin rule only: a grant is still needed.
    expect(decide(facts({ actor: adminActor, subject: admin, allowImpersonatingAdmins: true, grant: undefined }), now).reason).toBe('no_grant');
  });
});
