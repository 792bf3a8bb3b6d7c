import { z } from 'zod';
import { ProblemError } from './problem';
import { isStorable } from './text';
import { isUuid } from './uuid';

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

/** What one element of a cursor's sort key must be. */
export type CursorPart = 'text' | 'uuid' | 'timestamp' | 'integer';

const PARTS: Record<CursorPart, (value: string) => boolean> = {
  // What PostgreSQL cannot store would fail the query instead of the request.
  text: isStorable,
  uuid: isUuid,
  timestamp: (v) => /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v) && !Number.isNaN(Date.parse(v)),
  integer: (v) => /^\d{1,18}$/.test(v),
};

/**
 * The sort key a cursor carries, each part checked against what that list sorts by: a forged
 * cursor is a 400 naming `query.cursor`, never a value that reaches the database unchecked.
 */
export function decodeCursor(cursor: string | undefined, parts: readonly CursorPart[]): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === parts.length && key.every((k, i) => typeof k === 'string' && PARTS[parts[i]](k))) return key as string[];
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
