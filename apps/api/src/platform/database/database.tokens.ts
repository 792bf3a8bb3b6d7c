/** Injection token of the connection URL of the application database (after any embedded start). */
export const DATABASE_URL = Symbol('DATABASE_URL');

/** Injection token of the migration names found in `prisma/migrations` at start-up. */
export const KNOWN_MIGRATIONS = Symbol('KNOWN_MIGRATIONS');
