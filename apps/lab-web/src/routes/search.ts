/**
 * A route's search parameters as optional strings, from a list of names: what a list page's
 * filters are, kept in the address so a filtered view can be reloaded, bookmarked and shared.
 */
export function searchOf<K extends string>(keys: readonly K[]) {
  return (search: Record<string, unknown>): { [P in K]?: string | undefined } => {
    const picked: { [P in K]?: string | undefined } = {};
    for (const key of keys) {
      const value = search[key];
      if (typeof value === 'string' && value !== '') picked[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') picked[key] = String(value);
    }
    return picked;
  };
}
