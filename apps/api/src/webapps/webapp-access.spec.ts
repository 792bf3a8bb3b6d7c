import type { Permission, WebappSettings } from '@behalf/contracts';
import type { Principal } from '../kernel/principal';
import { widenedSecretNames } from './webapps.service';
import { permissionsBeyond, runAsOf, startDecision, webappAccess } from './webapp-access';

const principal = (userId: string, permissions: Permission[] = []): Principal => ({
  userId,
  login: userId,
  permissions: new Set(permissions),
  via: { kind: 'api_key', apiKeyId: 'k' },
});
const settings = (over: Partial<WebappSettings> = {}): WebappSettings => ({
  identityMode: 'run_as_user',
  runAsUserId: null,
  runAsPinnedByAdmin: false,
  access: 'authenticated',
  viewers: { users: [], groups: [] },
  hideAccessTokens: false,
  mountDatasets: true,
  identityPropagation: { header: true, jwt: false },
  allowImpersonation: false,
  secretNames: [],
  ...over,
});
const webapp = (over: Partial<WebappSettings> = {}, callerIsViewer = false) => ({
  owner: { id: 'owner', login: 'owner' },
  lastModifiedBy: { id: 'editor', login: 'editor' },
  runAs: null as { id: string; login: string } | null,
  settings: settings(over),
  callerIsViewer,
});

describe(webappAccess.name, () => {
  it('lets admins and the owner manage, whatever the access setting', () => {
    expect(webappAccess(principal('admin', ['admin']), webapp({ access: 'restricted' }))).toBe('manage');
    expect(webappAccess(principal('owner'), webapp({ access: 'restricted' }))).toBe('manage');
  });

  it('lets anyone view public and authenticated webapps, but not manage them', () => {
    expect(webappAccess(principal('x', ['mayCreateWebapps']), webapp({ access: 'public' }))).toBe('view');
    expect(webappAccess(principal('x'), webapp({ access: 'authenticated' }))).toBe('view');
  });

  it('hides a restricted webapp from everyone but its viewers', () => {
    expect(webappAccess(principal('x'), webapp({ access: 'restricted' }))).toBe('none');
    expect(webappAccess(principal('x'), webapp({ access: 'restricted' }, true))).toBe('view');
  });
});

describe(runAsOf.name, () => {
  const starter = { id: 'starter', login: 'starter' };

  it('runs as the last modifier by default', () => {
    expect(runAsOf(webapp(), starter)).toEqual({ userId: 'editor', login: 'editor', source: 'last_modifier' });
  });

  it('runs as the explicit choice when there is one', () => {
    expect(runAsOf({ ...webapp(), runAs: { id: 'svc', login: 'svc' } }, starter)).toEqual({ userId: 'svc', login: 'svc', source: 'explicit' });
  });

  it('runs as the starter in starter mode, even with an explicit choice', () => {
    expect(runAsOf({ ...webapp({ identityMode: 'starter' }), runAs: { id: 'svc', login: 'svc' } }, starter)).toEqual({
      userId: 'starter',
      login: 'starter',
      source: 'starter',
    });
  });
});

describe(startDecision.name, () => {
  const perms =
    (...p: Permission[]) =>
    () =>
      new Set<Permission>(p);
  const owner = principal('owner', ['mayCreateWebapps']);

  it('lets a manager start a webapp whose identity holds nothing they lack', () => {
    expect(startDecision(owner, webapp(), perms())).toMatchObject({ allowed: true, identity: { userId: 'editor', source: 'last_modifier' } });
    expect(startDecision(owner, webapp(), perms('mayCreateWebapps'))).toMatchObject({ allowed: true });
  });

  it('refuses when the identity holds a permission the starter lacks, naming it', () => {
    expect(startDecision(owner, webapp(), perms('admin', 'mayManageDatasets'))).toEqual({
      allowed: false,
      reason: 'identity_outranks_starter',
      identity: { userId: 'editor', login: 'editor', source: 'last_modifier' },
      missing: ['admin', 'mayManageDatasets'],
    });
  });

  it('allows it when an admin pinned that very run-as user, and never when a non-admin did', () => {
    const pinned = { ...webapp({ runAsUserId: 'svc', runAsPinnedByAdmin: true }), runAs: { id: 'svc', login: 'svc' } };
    expect(startDecision(owner, pinned, perms('admin'))).toMatchObject({ allowed: true, identity: { userId: 'svc', source: 'explicit' } });
    const self = { ...webapp({ runAsUserId: 'svc', runAsPinnedByAdmin: false }), runAs: { id: 'svc', login: 'svc' } };
    expect(startDecision(owner, self, perms('admin'))).toMatchObject({ allowed: false, reason: 'identity_outranks_starter' });
  });

  it('refuses non-managers outside starter mode, and those who cannot view', () => {
    expect(startDecision(principal('viewer'), webapp(), perms())).toEqual({ allowed: false, reason: 'not_a_manager' });
    expect(startDecision(principal('viewer'), webapp({ identityMode: 'starter', access: 'restricted' }), perms())).toEqual({
      allowed: false,
      reason: 'cannot_view',
    });
    expect(startDecision(principal('viewer'), webapp({ identityMode: 'starter' }), perms('admin'))).toMatchObject({
      allowed: true,
      identity: { userId: 'viewer', source: 'starter' },
    });
  });

  it('judges a live run by its own identity', () => {
    const identity = { userId: 'old-editor', login: 'old-editor', source: 'last_modifier' as const };
    expect(startDecision(owner, webapp(), perms('mayManageDatasets'), identity)).toMatchObject({ allowed: false, identity });
  });
});

describe(permissionsBeyond.name, () => {
  it('is nothing for an admin starter, else what the identity holds beyond the starter', () => {
    expect(permissionsBeyond(new Set<Permission>(['admin']), new Set<Permission>(['admin']))).toEqual([]);
    expect(permissionsBeyond(new Set<Permission>(['mayCreateWebapps', 'mayManageDatasets']), new Set<Permission>(['mayCreateWebapps']))).toEqual([
      'mayManageDatasets',
    ]);
  });
});

describe(widenedSecretNames.name, () => {
  it('says which names a change adds, and treats "all" as widening', () => {
    expect(widenedSecretNames(['a'], ['a', 'b'])).toEqual(['b']);
    expect(widenedSecretNames(['a', 'b'], ['a'])).toBeNull();
    expect(widenedSecretNames(['a'], null)).toEqual([]);
    expect(widenedSecretNames(null, ['a'])).toBeNull();
    expect(widenedSecretNames(null, null)).toBeNull();
  });
});
