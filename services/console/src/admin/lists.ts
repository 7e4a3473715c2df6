/**
 * The list pages' (agents, groups, shared replies) handling of their rows: which are shown, in which order,
 * and how a saved or deleted entry changes the list held in memory.
 */

interface WithId {
  readonly id: string;
}

/** `list` with `item` added, or put in place of the entry with its id (as the last entry). */
export function upsertById<T extends WithId>(list: readonly T[], item: T): T[] {
  return [...list.filter((x) => x.id !== item.id), item];
}

/** `list` without the entry with `id`. */
export function removeById<T extends WithId>(list: readonly T[], id: string): T[] {
  return list.filter((x) => x.id !== id);
}

/**
 * The entries in the order of `sortKey`; when `query` holds more than white space, only those `matches`
 * accepts, given the trimmed, lower-cased query.
 */
export function sortedMatches<T>(
  items: readonly T[],
  query: string,
  sortKey: (item: T) => string,
  matches?: (item: T, query: string) => boolean,
): T[] {
  const q = query.trim().toLowerCase();
  const list = [...items].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  return q === '' || matches === undefined ? list : list.filter((x) => matches(x, q));
}
