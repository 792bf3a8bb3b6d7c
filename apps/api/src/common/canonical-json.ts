/**
 * JSON with object keys sorted at every depth: one text for one value, whatever the key order it
 * was built or stored with (PostgreSQL's jsonb reorders keys). Arrays keep their order.
 */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  ) as T;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
