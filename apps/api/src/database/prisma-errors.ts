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
