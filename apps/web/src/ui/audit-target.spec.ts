import { SCREEN_PATHS } from '../app/paths';
import { auditTarget } from './audit-target';

const RUN = '3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const WEBAPP = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

describe('an audit record’s target as the console shows it', () => {
  it('names a run in words with a short id and links it to its webapp', () => {
    expect(auditTarget({ target: { type: 'webapp_run', id: RUN, name: null }, webappId: WEBAPP })).toEqual({
      label: 'Webapp run 3f2a9c1e',
      id: RUN,
      to: `/webapps/${WEBAPP}`,
    });
  });

  it('links users, groups, webapps and datasets to their own screens, which the router has', () => {
    for (const [type, screen] of [
      ['user', '/users/$userId'],
      ['group', '/groups/$groupId'],
      ['webapp', '/webapps/$webappId'],
      ['dataset', '/datasets/$datasetId'],
    ] as const) {
      const view = auditTarget({ target: { type, id: RUN, name: null }, webappId: null });
      expect(view?.to).toBe(screen.replace(/\$\w+$/, RUN));
      expect(SCREEN_PATHS).toContain(screen);
    }
  });

  it('shows the name the API found for the target, keeping the whole id for the tooltip, and the short id when it found none', () => {
    expect(auditTarget({ target: { type: 'webapp', id: WEBAPP, name: 'Support desk' }, webappId: WEBAPP })).toEqual({
      label: 'Webapp Support desk',
      id: WEBAPP,
      to: `/webapps/${WEBAPP}`,
    });
    expect(auditTarget({ target: { type: 'user', id: RUN, name: 'ada' }, webappId: null })?.label).toBe('User ada');
    expect(auditTarget({ target: { type: 'group', id: RUN, name: null }, webappId: null })?.label).toBe('Group 3f2a9c1e');
  });

  it('names a run by its short id and its webapp, since a webapp’s runs share its name', () => {
    expect(auditTarget({ target: { type: 'webapp_run', id: RUN, name: 'Support desk' }, webappId: WEBAPP })).toEqual({
      label: 'Webapp run 3f2a9c1e of Support desk',
      id: RUN,
      to: `/webapps/${WEBAPP}`,
    });
  });

  it('keeps ids that are not UUIDs whole, and links nothing without a screen', () => {
    expect(auditTarget({ target: { type: 'api_key', id: 'k-17', name: null }, webappId: null })).toEqual({ label: 'API key k-17', id: 'k-17' });
    expect(auditTarget({ target: { type: 'settings', id: null, name: null }, webappId: null })).toEqual({ label: 'Settings', id: null });
    expect(auditTarget({ target: { type: 'webapp_run', id: RUN, name: null }, webappId: null })).toEqual({ label: 'Webapp run 3f2a9c1e', id: RUN });
  });

  it('reads an unknown kind in words, and no target as none', () => {
    expect(auditTarget({ target: { type: 'secret_name', id: null, name: null }, webappId: null })?.label).toBe('secret name');
    expect(auditTarget({ target: null, webappId: WEBAPP })).toBeNull();
  });
});
