import type { DatasetAccessLevel } from '@behalf/contracts';
import type { Principal } from '../kernel/principal';

export type DatasetAccess = DatasetAccessLevel | 'none';

const RANK: Record<DatasetAccess, number> = { none: 0, read: 1, write: 2, manage: 3 };

/** Whether `access` includes `needed`: manage ⊃ write ⊃ read. */
export const reaches = (access: DatasetAccess, needed: DatasetAccessLevel): boolean => RANK[access] >= RANK[needed];

/**
 * A caller's access to a dataset: admins and the owner manage it (and so write and read);
 * otherwise the best of their groups' permissions; otherwise none. Deny by default.
 */
export function datasetAccess(
  caller: Pick<Principal, 'userId' | 'permissions'>,
  dataset: { ownerUserId: string; groupAccess: 'read' | 'write' | null },
): DatasetAccess {
  if (caller.permissions.has('admin') || dataset.ownerUserId === caller.userId) return 'manage';
  return dataset.groupAccess ?? 'none';
}
