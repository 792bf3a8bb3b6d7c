export type Changes = Record<string, { from: unknown; to: unknown }>;

/**
 * What an update changed, for its audit record: `{field: {from, to}}` for each of `keys` (by
 * default every key of `after`) whose value differs, compared as JSON so that nested values
 * (lists, objects) count as changed only when their content does.
 */
export function changesBetween<T extends object>(
  before: T,
  after: T,
  keys: readonly (keyof T & string)[] = Object.keys(after) as (keyof T & string)[],
): Changes {
  return Object.fromEntries(keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => [k, { from: before[k], to: after[k] }]));
}
