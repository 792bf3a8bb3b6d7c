import type { Permission } from './identity';

/** Body of `POST /api/v1/auth/login` and `GET /api/v1/auth/me`. */
export interface Me {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  /** Names of the caller's groups. */
  groups: string[];
  /** The caller's effective permissions: the union over their groups. */
  permissions: Permission[];
}

/** An API key as listed: never its secret. */
export interface ApiKey {
  id: string;
  name: string;
  userId: string;
  /** The first characters of the key, to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The answer to creating an API key: the only time `key` is shown. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export const CSRF_HEADER = 'x-csrf-token';
