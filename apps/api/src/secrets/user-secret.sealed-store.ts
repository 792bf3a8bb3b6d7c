import type { SealedStore } from '../crypto/sealed-store';

/** The seal context of a user's secret: binds it to its owner and name (as `pendingSql` does). */
export const userSecretContext = (userId: string, name: string) => `user-secret:${userId}:${name}`;

/** Users' secrets, sealed under the KEK ring (registered by the secrets module). */
export const userSecretStore: SealedStore = {
  name: 'userSecrets',
  pendingSql: `SELECT s.id::text AS id, s.kek_version, s.wrapped_key, s.ciphertext, 'user-secret:' || s.user_id || ':' || s.name AS context,
                      'secret "' || s.name || '" of user ' || u.login AS label
                 FROM user_secrets s JOIN users u ON u.id = s.user_id
                WHERE s.kek_version <> $1 AND ($2::uuid IS NULL OR s.id > $2::uuid) ORDER BY s.id LIMIT $3 FOR UPDATE OF s SKIP LOCKED`,
  updateSql: `UPDATE user_secrets SET kek_version = $2, wrapped_key = $3 WHERE id = $1::uuid AND kek_version = $4`,
  missingSql: `SELECT 'secret "' || s.name || '" of user ' || u.login AS label, s.kek_version
                 FROM user_secrets s JOIN users u ON u.id = s.user_id WHERE s.kek_version <> ALL($1::int[]) ORDER BY u.login, s.name`,
};
