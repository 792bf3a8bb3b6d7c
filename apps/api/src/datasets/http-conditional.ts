/**
 * The conditional and ranged parts of GET (RFC 9110 §13 and §14), as pure functions of the
 * request headers and the representation's strong ETag and size.
 */

/** `"<hex sha256>"`: a strong validator, since equal hashes mean equal bytes. */
export const strongEtag = (sha256: string): string => `"${sha256}"`;

/** The entity tags of an `If-None-Match`/`If-Range` list, without `W/` (weak comparison). */
function tags(header: string): string[] {
  return (header.match(/(?:W\/)?"[^"]*"|\*/g) ?? []).map((t) => (t.startsWith('W/') ? t.slice(2) : t));
}

/** `If-None-Match` matches (weak comparison, RFC 9110 §13.1.2): the answer is 304. */
export function ifNoneMatchHolds(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return tags(header).some((t) => t === '*' || t === etag);
}

export type RangeOutcome = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * What a `Range` header asks of a representation of `size` bytes. Only single byte ranges are
 * served; several ranges, another unit or bad syntax are ignored (the full content), as RFC 9110
 * §14.2 allows. `If-Range` (§13.1.5) keeps the range only when it names the current strong ETag.
 */
export function rangeOf(range: string | undefined, ifRange: string | undefined, etag: string, size: number): RangeOutcome {
  if (range === undefined) return { kind: 'full' };
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range);
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  const [first, last] = [match[1], match[2]];
  if (first === '') {
    // A suffix: the last n bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  if (end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}
