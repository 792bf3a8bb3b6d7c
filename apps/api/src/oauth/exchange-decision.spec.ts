import { REFUSALS, SecuritySettings } from '@behalf/contracts';
import { ACTOR, actingFacts, G2, NOW, VIEWER } from '../../test/fixtures/acting';
import type { ExchangeFacts } from '../runtime/runtime-facts.service';
import { decideExchange } from './exchange-decision';

/** The exchange's facts over the policy's unit-test world: the actor's profile, and the settings' lifetime. */
function facts(acting: Parameters<typeof actingFacts>[0] = {}, gone: { viewer?: true; webapp?: true } = {}): ExchangeFacts {
  const base = actingFacts(acting);
  return {
    run: base.run,
    actor: { ...base.viewer, id: ACTOR, login: 'ru', displayName: 'RU', groups: [] },
    webapp: gone.webapp ? null : base.webapp,
    viewer: gone.viewer ? null : base.viewer,
    grantFacts: base.grantFacts,
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
      decideExchange(facts({ webapp: { allowImpersonation: false } }), NOW),
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
    expect(decideExchange(facts({}, { viewer: true }), NOW)).toEqual({ kind: 'refuse', code: 'subject_unknown' });
    expect(decideExchange(facts({}, { webapp: true }), NOW)).toEqual({ kind: 'refuse', code: 'subject_unknown' });
  });
});
