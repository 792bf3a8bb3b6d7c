import type { Permission, WebappSettings } from '@behalf/contracts';
import type { Principal } from '../auth/principal';
import { runAsOf, webappAccess } from './webapp-access';

const principal = (userId: string, permissions: Permission[] = []): Principal => ({
  userId,
  login: userId,
  permissions: new Set(permissions),
  via: { kind: 'api_key', apiKeyId: 'k' },
});
const settings = (over: Partial<WebappSettings> = {}): WebappSettings => ({
  identityMode: 'run_as_user',
  runAsUserId: null,
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
