import { Prisma } from './generated/client';

/** Db: the client itself, or the client of the transaction a caller is in. */
export type Db = Prisma.TransactionClient;

/** True when `error` is Prisma's unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** True when `error` says the record to update or delete does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}

/**
 * True when `error` is a foreign-key violation (the referenced row is gone): from a model query
 * (P2003), or from a raw one, where Prisma reports the driver's error inside P2010.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2003') return true;
  const cause = (error.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined)?.driverAdapterError?.cause;
  return error.code === 'P2010' && cause?.originalCode === '23503';
}

/** Codes and messages found in an error and its causes (Prisma nests the driver's error). */
function facetsOf(error: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > 6 || typeof error !== 'object' || error === null) return out;
  const e = error as Record<string, unknown>;
  for (const key of ['code', 'originalCode', 'message', 'kind']) if (typeof e[key] === 'string') out.push(e[key]);
  for (const key of ['cause', 'meta', 'driverAdapterError', 'error']) facetsOf(e[key], depth + 1, out);
  return out;
}

/** PostgreSQL SQLSTATEs and driver or Prisma signs of a database that does not answer in time. */
const UNAVAILABLE_CODES = new Set([
  '57014',
  '55P03',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'P2028',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
]);
const UNAVAILABLE_MESSAGES = [
  /query read timeout/i,
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /statement timeout/i,
  /lock timeout/i,
  /transaction already closed/i,
  /unable to start a transaction/i,
  /canceling statement/i,
  /Connection(Closed| closed)/,
];

/**
 * True when `error` says the database did not answer in time or could not be reached (stalled,
 * restarting, out of connections): the request may succeed later, so it is a 503, not a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const facets = facetsOf(error);
  return facets.some((f) => UNAVAILABLE_CODES.has(f) || UNAVAILABLE_MESSAGES.some((m) => m.test(f)));
}

/** True when PostgreSQL aborted the transaction to break a deadlock or a serialisation conflict. */
export function isConcurrentUpdateConflict(error: unknown): boolean {
  return facetsOf(error).some((f) => f === '40P01' || f === '40001');
}
