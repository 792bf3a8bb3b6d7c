import type { Permission } from '@behalf/contracts';
import { datasetAccess, reaches } from './dataset-access';

const caller = (userId: string, ...permissions: Permission[]) => ({ userId, permissions: new Set(permissions) });

describe('dataset access', () => {
  it('gives admins and the owner management, groups what they hold, and everyone else nothing', () => {
    expect(datasetAccess(caller('u', 'admin'), { ownerUserId: 'o', groupAccess: null })).toBe('manage');
    expect(datasetAccess(caller('o'), { ownerUserId: 'o', groupAccess: null })).toBe('manage');
    expect(datasetAccess(caller('u'), { ownerUserId: 'o', groupAccess: 'write' })).toBe('write');
    expect(datasetAccess(caller('u'), { ownerUserId: 'o', groupAccess: 'read' })).toBe('read');
    expect(datasetAccess(caller('u', 'mayManageDatasets', 'mayCreateWebapps'), { ownerUserId: 'o', groupAccess: null })).toBe('none');
  });

  it('orders manage over write over read', () => {
    expect([reaches('manage', 'write'), reaches('write', 'read'), reaches('read', 'read')]).toEqual([true, true, true]);
    expect([reaches('read', 'write'), reaches('write', 'manage'), reaches('none', 'read')]).toEqual([false, false, false]);
  });
});
