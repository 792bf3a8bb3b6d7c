import { z } from 'zod';
import { ProblemError } from '../http/problem';

/** `limit` and `cursor` query parameters shared by every list. */
export const pageQuery = {
  limit: z.coerce
    .number({ error: 'expected a whole number from 1 to 200' })
    .int('expected a whole number from 1 to 200')
    .min(1, 'expected a whole number from 1 to 200')
    .max(200, 'expected a whole number from 1 to 200')
    .default(50),
  cursor: z.string().max(512, 'expected a cursor returned by a previous page').optional(),
};

/** The query of a list with nothing but paging. */
export const listQuery = z.object(pageQuery);

/** Cursors are opaque to clients: base64url JSON of the sort key of the last item returned. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string')) return key as string[];
  } catch {
    // fall through to the problem below
  }
  throw invalidCursor();
}

/** The 400 for a cursor that no page of this list handed out. */
export function invalidCursor(): ProblemError {
  return new ProblemError('validation-failed', 'The request query is invalid.', [
    { path: 'query.cursor', message: 'expected a cursor returned by a previous page' },
  ]);
}

/** Fetch `limit + 1` rows, then call this: it trims the extra row and makes the next cursor. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, keyOf: (row: R) => string[]) {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return {
    items: kept.map(map),
    ...(more ? { nextCursor: encodeCursor(keyOf(kept[kept.length - 1])) } : {}),
  };
}
