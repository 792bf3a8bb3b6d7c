import type { SealedStore } from '../crypto/sealed-store';

/** The seal context of a signing key's private key: binds it to its kid (as `pendingSql` does). */
export const signingKeyContext = (kid: string) => `signing-key:${kid}`;

/** Signing keys' private keys, sealed under the KEK ring (registered by the tokens module). */
export const signingKeyStore: SealedStore = {
  name: 'signingKeys',
  pendingSql: `SELECT kid AS id, kek_version, wrapped_key, private_key AS ciphertext, 'signing-key:' || kid AS context, 'signing key ' || kid AS label
                 FROM signing_keys WHERE kek_version <> $1 AND ($2::text IS NULL OR kid > $2::text) ORDER BY kid LIMIT $3 FOR UPDATE SKIP LOCKED`,
  updateSql: `UPDATE signing_keys SET kek_version = $2, wrapped_key = $3 WHERE kid = $1 AND kek_version = $4`,
  missingSql: `SELECT 'signing key ' || kid AS label, kek_version FROM signing_keys WHERE kek_version <> ALL($1::int[]) ORDER BY kid`,
};
