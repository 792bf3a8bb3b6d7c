import { REFUSALS, SecuritySettings } from '@behalf/contracts';
import type { UserProfile } from '../identity/user.repository';
import type { DecisionFacts } from '../impersonation/policy';
import type { ExchangeFacts } from '../runtime/runtime-facts.service';
import { decideExchange } from './exchange-decision';

const NOW = new Date('2030-01-01T00:00:00Z');
const ACTOR = '00000000-0000-4000-8000-00000000000a';
const VIEWER = '00000000-0000-4000-8000-00000000000b';
const WEBAPP = '00000000-0000-4000-8000-00000000000c';
const G2 = '00000000-0000-4000-8000-0000000000f2';

const profile = (id: string, login: string, groups: { id: string; name: string }[] = []): UserProfile => ({
  id,
  login,
  displayName: login.toUpperCase(),
  email: null,
  active: true,
  groups,
  permissions: [],
});

function facts(change: { grant?: Partial<DecisionFacts>; viewer?: null; webapp?: null; allowImpersonation?: boolean } = {}): ExchangeFacts {
  return {
    run: { webappId: WEBAPP, stopped: false, identityUserId: ACTOR, startedAt: NOW },
    actor: profile(ACTOR, 'ru'),
    webapp:
      change.webapp === null
        ? null
        : {
            id: WEBAPP,
            owner: { id: '00000000-0000-4000-8000-0000000000ff' },
            settings: {
              access: 'authenticated',
              viewers: { users: [], groups: [] },
              hideAccessTokens: false,
              allowImpersonation: change.allowImpersonation ?? true,
              secretNames: null,
            },
          },
    viewer: change.viewer === null ? null : profile(VIEWER, 'eu1', [{ id: G2, name: 'g2' }]),
    grantFacts: {
      actor: { id: ACTOR, login: 'ru', active: true, admin: false },
      subject: { id: VIEWER, login: 'eu1', active: true, admin: false },
      grant: { sourceGroup: { id: 'g1', name: 'g1' }, targetGroup: { id: G2, name: 'g2' }, reason: 'support', expiresAt: null },
      allowImpersonatingAdmins: false,
      ...change.grant,
    },
    settings: { impersonationTokenLifetimeSeconds: 300 } as SecuritySettings,
  };
}

describe('decideExchange', () => {
  it('issues with the grant and the lifetime the settings give', () => {
    expect(decideExchange(facts(), NOW)).toEqual({
      kind: 'issue',
      reason: 'allowed',
      grant: { sourceGroup: { id: 'g1', name: 'g1' }, targetGroup: { id: G2, name: 'g2' }, reason: 'support', expiresAt: null },
      lifetimeSeconds: 300,
    });
  });

  it('refuses with the acting policy’s reason, each a catalogue code answered as its OAuth error', () => {
    const refusals = [
      decideExchange(facts({ allowImpersonation: false }), NOW),
      decideExchange(facts({ grant: { grant: undefined } }), NOW),
      decideExchange(facts({ grant: { subject: { id: VIEWER, login: 'eu1', active: false, admin: false } } }), NOW),
    ];
    expect(refusals).toEqual([
      { kind: 'refuse', code: 'impersonation_not_allowed' },
      { kind: 'refuse', code: 'no_grant' },
      { kind: 'refuse', code: 'subject_disabled' },
    ]);
    expect(refusals.map((r) => r.kind === 'refuse' && REFUSALS[r.code].oauth.error)).toEqual(['unauthorized_client', 'access_denied', 'access_denied']);
  });

  it('treats a viewer or webapp gone since the token was signed as an unknown subject', () => {
    expect(decideExchange(facts({ viewer: null }), NOW)).toEqual({ kind: 'refuse', code: 'subject_unknown' });
    expect(decideExchange(facts({ webapp: null }), NOW)).toEqual({ kind: 'refuse', code: 'subject_unknown' });
  });
});
