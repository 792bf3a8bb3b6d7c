export type UserStatus = 'active' | 'disabled';

/** A user as the admin API shows it. Never carries a password or its hash. */
export interface User {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  status: UserStatus;
  /** Whether the user can log in with a password. */
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The permissions a group grants its members. A user's are the union over their groups. */
export interface GroupPermissions {
  admin: boolean;
  mayCreateWebapps: boolean;
  mayManageDatasets: boolean;
  /** The webapp gateway's service principal: reads routes, resolves its viewers' gateway sessions. */
  gateway: boolean;
}

export type Permission = keyof GroupPermissions;

export const PERMISSIONS = ['admin', 'mayCreateWebapps', 'mayManageDatasets', 'gateway'] as const satisfies readonly Permission[];

export interface Group {
  id: string;
  name: string;
  description: string;
  permissions: GroupPermissions;
  createdAt: string;
  updatedAt: string;
}

export interface GroupMember {
  userId: string;
  login: string;
  displayName: string;
  status: UserStatus;
  addedAt: string;
}
