/**
 * The items whose key an earlier item already had, each with that first item, in input order: the
 * "repeated in one request" check of bulk create, split and CSV import. Items without a key (a row
 * already rejected for another reason) take no part.
 */
export function laterRepeats<T>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
): { item: T; first: T }[] {
  const firsts = new Map<string, { item: T }>();
  const repeats: { item: T; first: T }[] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const first = firsts.get(key);
    if (first) repeats.push({ item, first: first.item });
    else firsts.set(key, { item });
  }
  return repeats;
}
