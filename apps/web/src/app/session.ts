import { queryOptions } from '@tanstack/react-query';
import { api } from '../api/client';
import { unwrap } from '../api/problem';

/** Who is signed in (`GET /api/v1/auth/me`): refused with a problem when nobody is. */
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: () => unwrap(api.GET('/api/v1/auth/me')),
  staleTime: 60_000,
  retry: false,
});

/** Whether the signed-in person holds `permission` (admins hold every one). */
export function may(me: { permissions: readonly string[] } | undefined, permission: string): boolean {
  return !!me && (me.permissions.includes('admin') || me.permissions.includes(permission));
}

export function isAdmin(me: { permissions: readonly string[] } | undefined): boolean {
  return may(me, 'admin');
}
