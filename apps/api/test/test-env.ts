/**
 * What the global set-up hands to every test file, through environment variables (test workers
 * are forked after the set-up and inherit them).
 */
export const TEST_ADMIN_URL = 'BEHALF_TEST_ADMIN_URL';
export const TEST_TEMPLATE_DB = 'BEHALF_TEST_TEMPLATE_DB';
/** Prefix of every database this run creates: `behalf_test_<run>_`. */
export const TEST_DB_PREFIX = 'BEHALF_TEST_DB_PREFIX';

export function requireTestEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run the tests through jest, whose global set-up provides it.`);
  return value;
}

/** The URL of `database` on the server behind `adminUrl`. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
