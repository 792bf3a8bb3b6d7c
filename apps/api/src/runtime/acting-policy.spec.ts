import { ACTOR, actingFacts as facts, G2, NOW, VIEWER } from '../../test/fixtures/acting';
import { actingDecision, mayView } from './acting-policy';

describe('actingDecision', () => {
  it('allows with a grant, naming it', () => {
    expect(actingDecision(facts(), NOW)).toMatchObject({ allowed: true, reason: 'allowed', grant: { reason: 'support' } });
  });

  it.each([
    ['impersonation_not_allowed', facts({ webapp: { allowImpersonation: false } })],
    ['run_stopped', facts({ run: { stopped: true } })],
    ['not_run_identity', facts({ run: { identityUserId: VIEWER } })],
    ['not_run_identity', facts({ run: { webappId: '00000000-0000-4000-8000-000000000000' } })],
    ['actor_disabled', facts({ grant: { actor: { id: ACTOR, login: 'ru', active: false, admin: false } } })],
    ['subject_disabled', facts({ grant: { subject: { id: VIEWER, login: 'eu1', active: false, admin: false } } })],
    ['viewer_cannot_view', facts({ webapp: { access: 'restricted' } })],
    ['subject_is_admin', facts({ grant: { subject: { id: VIEWER, login: 'eu1', active: true, admin: true } } })],
    ['no_grant', facts({ grant: { grant: undefined } })],
    ['grant_expired', facts({ grant: { grant: { sourceGroup: { id: 'g1', name: 'g1' }, targetGroup: { id: G2, name: 'g2' }, reason: 'r', expiresAt: NOW } } })],
  ])('refuses with %s', (reason, input) => {
    expect(actingDecision(input, NOW)).toMatchObject({ allowed: false, reason });
  });

  it('checks the webapp and run before the parties, and the parties before the grant', () => {
    const disabledViewer = { subject: { id: VIEWER, login: 'eu1', active: false, admin: false } };
    const everythingWrong = facts({
      webapp: { allowImpersonation: false, access: 'restricted' },
      run: { stopped: true },
      grant: { ...disabledViewer, grant: undefined },
    });
    expect(actingDecision(everythingWrong, NOW).reason).toBe('impersonation_not_allowed');
    expect(actingDecision(facts({ run: { stopped: true }, grant: disabledViewer }), NOW).reason).toBe('run_stopped');
    expect(actingDecision(facts({ grant: disabledViewer, webapp: { access: 'restricted' } }), NOW).reason).toBe('subject_disabled');
    expect(actingDecision(facts({ webapp: { access: 'restricted' }, grant: { grant: undefined } }), NOW).reason).toBe('viewer_cannot_view');
  });
});

describe('mayView', () => {
  const { webapp, viewer } = facts();
  it('follows the access setting: listed users, members of listed groups, owners and admins', () => {
    const restricted = (viewers: { users: string[]; groups: string[] }) => ({
      ...webapp,
      settings: { ...webapp.settings, access: 'restricted' as const, viewers },
    });
    expect(mayView(viewer, webapp)).toBe(true);
    expect(mayView(viewer, restricted({ users: [], groups: [] }))).toBe(false);
    expect(mayView(viewer, restricted({ users: [VIEWER], groups: [] }))).toBe(true);
    expect(mayView(viewer, restricted({ users: [], groups: [G2] }))).toBe(true);
    expect(mayView({ ...viewer, permissions: ['admin'] }, restricted({ users: [], groups: [] }))).toBe(true);
    expect(mayView(viewer, { ...restricted({ users: [], groups: [] }), owner: { id: VIEWER } })).toBe(true);
  });
});
