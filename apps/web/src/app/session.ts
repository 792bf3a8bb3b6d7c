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

export function isAdmin(me: { permissions: readonly string[] } | undefined): boolean {
  return !!me?.permissions.includes('admin');
}
