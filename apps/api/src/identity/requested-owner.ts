import type { UserSummary } from '@behalf/contracts';
import type { Principal } from '../kernel/principal';
import { ProblemError } from '../kernel/problem';
import { UserRepository } from './user.repository';

/**
 * The owner a `PATCH` asks for, when it asks for a change: only admins hand a webapp or a dataset
 * to someone else, and only to a user who exists. Undefined when the owner stays.
 */
export async function requestedOwner(
  requested: string | undefined,
  current: UserSummary,
  caller: Principal,
  users: UserRepository,
  thing: 'webapp' | 'dataset',
): Promise<UserSummary | undefined> {
  if (requested === undefined || requested === current.id) return undefined;
  if (!caller.permissions.has('admin')) throw new ProblemError('forbidden', `Only an admin may hand a ${thing} to another owner.`);
  const user = await users.get(requested);
  if (!user) throw new ProblemError('validation-failed', 'The request body is invalid.', [{ path: 'body.ownerUserId', message: 'no user has this id' }]);
  return { id: user.id, login: user.login };
}
