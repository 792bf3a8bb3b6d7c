/** A UTF-16 surrogate without its other half. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** NUL, and lone surrogates: what PostgreSQL's text and JSON refuse. */
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g');

/** Whether PostgreSQL can store `text` as it is. */
export function isStorable(text: string): boolean {
  return text.search(UNSTORABLE) === -1;
}

/** `text` with every character PostgreSQL cannot store replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/**
 * A copy of `value` whose strings (keys included) PostgreSQL can store in text and JSON columns.
 * Input validation refuses such strings at the edge already; this is the audit log's own
 * guarantee, so that no record can ever fail the batch it is written with.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => storable(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)])) as T;
  }
  return value;
}
