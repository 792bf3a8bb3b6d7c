import type { Me, Permission } from '@behalf/contracts';
import { PERMISSIONS } from '@behalf/contracts';
import type { UserWithGroups } from '../identity/user.repository';
import type { Principal } from '../kernel/principal';

/** A user's effective permissions: the union over their groups. */
export function effectivePermissions(user: UserWithGroups): Set<Permission> {
  return new Set(PERMISSIONS.filter((p) => user.groups.some((g) => g.permissions[p])));
}

export function principalFor(user: UserWithGroups, via: Principal['via']): Principal {
  return { userId: user.id, login: user.login, permissions: effectivePermissions(user), via };
}

export function toMe(user: UserWithGroups): Me {
  return {
    id: user.id,
    login: user.login,
    displayName: user.displayName,
    email: user.email,
    groups: user.groups.map((g) => g.name),
    permissions: [...effectivePermissions(user)],
  };
}
