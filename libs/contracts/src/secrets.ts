/** A user's secret as the API lists it: never its value. */
export interface SecretInfo {
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** The rule for secret names, shared by the API and webapps' `secretNames`. */
export const SECRET_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,128}$';

/** What a refused secret name is told. */
export const SECRET_NAME_RULE = 'expected 1 to 128 of A-Z a-z 0-9 _ . -';

/** Largest secret value: 64 KiB of UTF-8. */
export const SECRET_VALUE_MAX_BYTES = 65_536;

/** `POST /api/v1/admin/kek/rewrap` and `npm run kek:rewrap`. */
export interface KekRewrapReport {
  currentVersion: number;
  rewrapped: { signingKeys: number; userSecrets: number };
  failed: { record: string; kekVersion: number; reason: string }[];
  complete: boolean;
}

/**
 * `/api/v1/users/me/secret-consents/:webappId`: which of their secrets a user lets one webapp
 * receive. A webapp gets a secret only when its admin-approved `secretNames` and the viewer's
 * consent both name it.
 */
export interface SecretConsent {
  webappId: string;
  webappName: string;
  names: string[];
  createdAt: string;
  updatedAt: string;
}
